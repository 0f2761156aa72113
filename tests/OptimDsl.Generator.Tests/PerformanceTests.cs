using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace OptimDsl.Generator.Tests
{
    /// <summary>Runs alone (not in parallel with other test classes) so the timings mean something.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class PerformanceCollection
    {
        public const string Name = "Performance";
    }

    /// <summary>
    /// Generation time of a project with 20 optimizers. Only a generous sanity bound is asserted (the machine may be
    /// shared); the measured medians are printed for the docs (target: full generation under 50 ms).
    /// </summary>
    [Collection(PerformanceCollection.Name)]
    public class PerformanceTests
    {
        private const int Warmup = 3;
        private const int Measured = 9;

        private readonly ITestOutputHelper _output;

        public PerformanceTests(ITestOutputHelper output) => _output = output;

        /// <summary>Twenty declarations over the block vocabulary, one file each.</summary>
        public static IReadOnlyList<string> TwentyOptimizers()
        {
            string[] blockSets =
            {
                "[Momentum(Default = 0.9)] [WeightDecay] [Maximize]",
                "[FirstMoment] [SecondMoment] [BiasCorrection] [Epsilon] [AmsGrad] [Maximize]",
                "[WeightDecay(Default = 0.01, Mode = WeightDecayMode.Decoupled)] [FirstMoment] [SecondMoment] [BiasCorrection] [Epsilon] [AmsGrad]",
                "[SecondMoment(Beta = 0.99, Name = \"alpha\", Centered = true)] [Epsilon] [WeightDecay] [Momentum(Input = MomentInput.Preconditioned)]",
                "[Accumulator] [LrDecay] [Epsilon(1e-10)] [WeightDecay] [Maximize]",
                "[WeightDecay] [CriticalBuffer(Structure = CriticalBufferStructure.Heap, AggregationArgument = true)] [Momentum]",
                "[WeightDecay] [CriticalBuffer(TopC = 20, Decay = 0.99, KappaUse = KappaUse.Switch)] [Momentum]",
                "[WeightDecay(Order = WeightDecayOrder.AfterCriticalBuffer)] [CriticalBuffer(Aggregation = AggregationRule.Mean, AggregationArgument = true)] [FirstMoment] [SecondMoment] [BiasCorrection] [Epsilon] [AmsGrad]",
                "[WeightDecay(Mode = WeightDecayMode.Decoupled)] [FirstMoment] [CriticalBuffer(TopC = 5, Source = CriticalSource.Momentum, FeedsSecondMoment = true, RandomReplacement = true)] [SecondMoment] [BiasCorrection] [Epsilon] [AmsGrad]",
                "[WeightDecay(Mode = WeightDecayMode.Decoupled)] [FirstMoment] [CriticalBuffer(Source = CriticalSource.Momentum, FirstStep = CriticalFirstStep.NoOp, SeedWithGradient = true, FeedsSecondMoment = true, KappaUse = KappaUse.Switch)] [SecondMoment] [BiasCorrection] [Epsilon]",
                "[CriticalBuffer(Aggregation = AggregationRule.BufferMeanOnly, KappaUse = KappaUse.Switch)] [SecondMoment(Name = \"alpha\", Centered = true)] [Epsilon] [Momentum(Input = MomentInput.Preconditioned)]",
                "[SecondMoment(Name = \"b2\")] [FirstMoment(Name = \"b1\", Input = MomentInput.Preconditioned)] [Epsilon(Placement = EpsilonPlacement.InsideSqrt)]",
                "",
                "[Maximize]",
                "[Momentum(Default = 0.9, Nesterov = true)] [WeightDecay(Default = 5e-4)]",
                "[FirstMoment(Beta = 0.95)] [SecondMoment(Beta = 0.98)] [Epsilon(1e-6)]",
                "[Accumulator(InitialValue = 0.1)] [Epsilon(1e-10, Placement = EpsilonPlacement.InsideSqrt)]",
                "[CriticalBuffer(MaxAge = 100, BufferDtypeArgument = false)] [FirstMoment] [SecondMoment] [BiasCorrection] [Epsilon]",
                "[WeightDecay] [CriticalBuffer(Structure = CriticalBufferStructure.Heap, Aggregation = AggregationRule.Mid, Synced = false)] [SecondMoment(Name = \"alpha\")] [Epsilon]",
                "[LrDecay(Default = 1e-4)] [Accumulator] [Epsilon] [Maximize] [WeightDecay(Default = 1e-5)]",
            };

            return blockSets
                .Select((blocks, i) => "using OptimDsl;\nnamespace Perf.Optimizers\n{\n    [Optimizer(Lr = 1e-3)] " + blocks + "\n    public sealed partial class Optimizer" + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture) + "\n    {\n    }\n}\n")
                .ToList();
        }

        [Fact]
        public void Generating_twenty_optimizers()
        {
            IReadOnlyList<string> sources = TwentyOptimizers();
            CSharpCompilation compilation = GeneratorHarness.CreateCompilation(sources);

            // Correctness first: 20 files, no diagnostics, compiles.
            GeneratorRun check = GeneratorHarness.Run(compilation).AssertGeneratorDidNotFail();
            Assert.Empty(check.GeneratorDiagnostics);
            Assert.Equal(20, check.GeneratedSources.Count);
            Assert.Empty(check.OutputErrors);

            // Full generation: a fresh driver on a fresh compilation each time (Clone: same trees and references, but new
            // symbols, so nothing bound by an earlier run is reused), JIT warmed up. Clones are made outside the timing.
            var clones = new Queue<CSharpCompilation>(Enumerable.Range(0, Warmup + Measured).Select(_ => compilation.Clone()));
            List<double> full = Measure(() => GeneratorHarness.CreateDriver().RunGenerators(clones.Dequeue()));

            // Incremental: the same driver after one declaration changed one value (one optimizer re-planned and re-emitted).
            GeneratorDriver warm = GeneratorHarness.CreateDriver().RunGenerators(compilation);
            SyntaxTree first = compilation.SyntaxTrees.First();
            CSharpCompilation edited = compilation.ReplaceSyntaxTree(first, GeneratorHarness.Parse(first.GetText().ToString().Replace("Lr = 1e-3", "Lr = 2e-3", StringComparison.Ordinal), first.FilePath));
            bool flip = false;
            List<double> incremental = Measure(() =>
            {
                flip = !flip;
                warm = warm.RunGenerators(flip ? edited : compilation);
            });

            _output.WriteLine($"20 optimizers, full generation (fresh driver, fresh compilation): median {Median(full):F1} ms (min {full.Min():F1}, max {full.Max():F1}, {Measured} runs after {Warmup} warm-up)");
            _output.WriteLine($"20 optimizers, incremental run after a one-value edit: median {Median(incremental):F1} ms (min {incremental.Min():F1}, max {incremental.Max():F1})");
            _output.WriteLine($"generated: {check.GeneratedSources.Sum(s => s.Source.Length) / 1024} KiB of C#, {check.GeneratedSources.Sum(s => s.Source.Count(ch => ch == '\n'))} lines");

            Assert.True(Median(full) < 5000, "full generation of 20 optimizers took " + Median(full) + " ms (sanity bound 5 s)");
            Assert.True(Median(incremental) < 5000, "incremental generation took " + Median(incremental) + " ms (sanity bound 5 s)");
        }

        private static List<double> Measure(Action run)
        {
            for (int i = 0; i < Warmup; i++)
            {
                run();
            }

            var times = new List<double>();
            for (int i = 0; i < Measured; i++)
            {
                var watch = Stopwatch.StartNew();
                run();
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            return times;
        }

        private static double Median(List<double> values)
        {
            var sorted = values.OrderBy(v => v).ToList();
            return sorted[sorted.Count / 2];
        }
    }
}
