using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using OptimDsl.PropertyTests.Declarations;
using OptimDsl.PropertyTests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace OptimDsl.PropertyTests
{
    /// <summary>
    /// Random valid declarations → the generator (in-process) → compiled and loaded → run on random parameters and
    /// gradient sequences, on both back ends (fused CPU kernels and tensor operations) → every parameter after every step
    /// compared with the independent float64 reference (Reference/) at 1e-9.
    /// </summary>
    public sealed class GeneratedVariantProperties
    {
        /// <summary>Declarations per run (OPTIMDSL_PROPERTY_CASES overrides it for a deeper run).</summary>
        public static readonly int Cases = int.TryParse(Environment.GetEnvironmentVariable("OPTIMDSL_PROPERTY_CASES"), out int n) && n > 0 ? n : 120;

        /// <summary>Declarations per run of the float32 path comparison.</summary>
        public static readonly int PathCases = Math.Max(1, Cases / 2);

        private readonly ITestOutputHelper _out;

        public GeneratedVariantProperties(ITestOutputHelper output) => _out = output;

        [Fact]
        public void GeneratedVariantsMatchTheReference()
        {
            var watch = Stopwatch.StartNew();
            ulong seed = PropertyRunner.Seed();
            _out.WriteLine("seed " + seed + " (replay with OPTIMDSL_PROPERTY_SEED=" + seed + ")");
            using var cache = new VariantCache();
            List<VariantCase> drawn = Prefetch(cache, seed, Cases);
            TimeSpan compile = watch.Elapsed;
            var runner = new PropertyRunner(_out.WriteLine);
            var events = new Reference.BufferEvents();
            Prop.ForAll(VariantCase.Arbitrary(), c => Check(cache, c, events))
                .Check(PropertyRunner.Configure(runner, Cases, seed, nameof(GeneratedVariantsMatchTheReference)));

            _out.WriteLine(Coverage(drawn));
            _out.WriteLine("reference buffers (passing cases): " + events);
            _out.WriteLine($"{runner.Tests} cases, {drawn.Select(c => c.Decl.ToSource()).Distinct().Count()} distinct declarations; "
                + $"{cache.BatchCompiled} compiled in {cache.Compilations} compilation(s) ({compile.TotalSeconds:F1} s incl. generation), {cache.SinglyCompiled} compiled singly; "
                + $"total {watch.Elapsed.TotalSeconds:F1} s");
        }

        /// <summary>
        /// The two back ends agree in float32 on random declarations (see <see cref="PathAgreement"/> for the tolerance and
        /// why): the fused kernels are not only right in float64, they round like a float32 optimizer should.
        /// </summary>
        [Fact]
        public void FusedAndTensorPathsAgreeInFloat32()
        {
            var watch = Stopwatch.StartNew();
            ulong seed = PropertyRunner.Seed();
            _out.WriteLine("seed " + seed + " (replay with OPTIMDSL_PROPERTY_SEED=" + seed + ")");
            using var cache = new VariantCache();
            Prefetch(cache, seed, PathCases);
            var runner = new PropertyRunner(_out.WriteLine);
            double worst = 0;
            string worstCase = "";
            Prop.ForAll(VariantCase.Arbitrary(), c =>
                {
                    string? failure = PathAgreement.Compare(cache.Get(c.Decl), c.Decl, Scenario.Create(c.ScenarioSeed), out double ratio);
                    if (ratio > worst)
                    {
                        worst = ratio;
                        worstCase = c.Decl.ToSource() + c.Decl.CallText() + " scenario " + c.ScenarioSeed;
                    }

                    if (failure is not null)
                    {
                        throw new CaseFailed("declaration:\n" + c.Decl.ToSource() + c.Decl.CallText() + "\n" + failure);
                    }
                })
                .Check(PropertyRunner.Configure(runner, PathCases, seed, nameof(FusedAndTensorPathsAgreeInFloat32)));
            _out.WriteLine($"{runner.Tests} cases; worst |fused - tensor| / allowed = {worst:G3} "
                + $"(allowed = max({PathAgreement.RelativeTolerance}·|tensor|, {PathAgreement.AbsoluteFloor})); {watch.Elapsed.TotalSeconds:F1} s; worst case:\n{worstCase}");
        }

        /// <summary>Mutation of the fused kernels alone (a 1% larger step): the float32 comparison of the two paths finds it.</summary>
        [Fact]
        public void PlantedBug_FusedStepSizeOff_BreaksPathAgreement()
        {
            ulong seed = PropertyRunner.Seed();
            using var cache = new VariantCache(s => Regex.Replace(s, @"new\(T\.CreateTruncating\(__t\.__negativeStepSize\)\)", "new(T.CreateTruncating(__t.__negativeStepSize * 1.01))"));
            var runner = new PropertyRunner();
            PropertyFailedException failure = Assert.Throws<PropertyFailedException>(() =>
                Prop.ForAll(VariantCase.Arbitrary(), c =>
                    {
                        if (PathAgreement.Compare(cache.Get(c.Decl), c.Decl, Scenario.Create(c.ScenarioSeed), out _) is { } difference)
                        {
                            throw new CaseFailed(difference);
                        }
                    })
                    .Check(PropertyRunner.Configure(runner, PathCases, seed, "planted bug: fused step size off")));
            _out.WriteLine($"falsified after {failure.Tests} case(s), {failure.Shrinks} shrink(s); {cache.Mutated} mutated sources");
            Assert.Contains("fused", failure.Message);
        }

        /// <summary>Mutation: the buffer term enters with the wrong sign (κ → −κ).</summary>
        [Fact]
        public void PlantedBug_NegatedBufferWeight_IsFoundAndShrunk() =>
            AssertPlantedBugIsCaught("negated buffer weight", Mutations.NegateBufferWeight);

        /// <summary>
        /// Mutation: the current quantity is zeroed where it is aggregated (and offered: the generated step does both in one
        /// call), so the update only ever sees the buffer term.
        /// </summary>
        [Fact]
        public void PlantedBug_CurrentGradientDroppedFromAggregate_IsFoundAndShrunk() =>
            AssertPlantedBugIsCaught("current gradient dropped", Mutations.DropCurrentQuantity);

        private void AssertPlantedBugIsCaught(string what, Func<string, string> mutation)
        {
            var watch = Stopwatch.StartNew();
            ulong seed = PropertyRunner.Seed();
            _out.WriteLine("planted bug: " + what + "; seed " + seed);
            using var cache = new VariantCache(mutation);
            var runner = new PropertyRunner();
            VariantCase? lastFailing = null;
            PropertyFailedException failure = Assert.Throws<PropertyFailedException>(() =>
                Prop.ForAll(VariantCase.Arbitrary(), c =>
                    {
                        try
                        {
                            Check(cache, c);
                        }
                        catch
                        {
                            lastFailing = c;
                            throw;
                        }
                    })
                    .Check(PropertyRunner.Configure(runner, Cases, seed, "planted bug: " + what)));
            _out.WriteLine(failure.Message);
            _out.WriteLine($"falsified after {failure.Tests} case(s), {failure.Shrinks} shrink(s); {cache.Mutated} mutated sources; {watch.Elapsed.TotalSeconds:F1} s");

            // The report holds the shrunk counterexample: its C# declaration (with a critical buffer, the mutated block)
            // and the first differing step.
            Assert.Contains("Shrunk", failure.Message);
            Assert.True(failure.Shrinks > 0 || (lastFailing is not null && !DeclarationShrinker.Shrink(lastFailing.Decl).Any()),
                "expected FsCheck to shrink the counterexample");
            string shrunk = failure.Message.Substring(failure.Message.IndexOf("Shrunk", StringComparison.Ordinal));
            Assert.Contains("[CriticalBuffer", shrunk);
            Assert.Contains("public sealed partial class V", shrunk);
            Assert.Contains("first difference at step", shrunk);

            // The shrunk counterexample (the last failing case FsCheck ran) fails because of the planted bug: the
            // unmutated generated code passes it.
            Assert.NotNull(lastFailing);
            Assert.Contains(lastFailing!.Decl.ToSource(), shrunk);
            using var clean = new VariantCache();
            string? unmutated = VariantRunner.CompareBothPaths(clean.Get(lastFailing.Decl), lastFailing.Decl, Scenario.Create(lastFailing.ScenarioSeed));
            Assert.True(unmutated is null, "the shrunk counterexample also fails without the mutation:\n" + unmutated);
        }

        // Pass 1 of a run: the same seed and configuration as the real pass, with a body that only records the cases;
        // FsCheck's generation does not depend on the outcomes, so pass 2 draws exactly these cases and finds them compiled.
        private static List<VariantCase> Prefetch(VariantCache cache, ulong seed, int cases)
        {
            var drawn = new List<VariantCase>();
            Prop.ForAll(VariantCase.Arbitrary(), c => { drawn.Add(c); })
                .Check(PropertyRunner.Configure(new PropertyRunner(), cases, seed, "collect"));
            cache.Prefetch(drawn.Select(c => c.Decl));
            return drawn;
        }

        private static void Check(VariantCache cache, VariantCase c, Reference.BufferEvents? events = null)
        {
            string? failure;
            try
            {
                Type type = cache.Get(c.Decl);
                failure = VariantRunner.CompareBothPaths(type, c.Decl, Scenario.Create(c.ScenarioSeed), events);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failure = e.GetType().Name + ": " + e.Message;
            }

            if (failure is not null)
            {
                throw new CaseFailed("declaration:\n" + c.Decl.ToSource() + c.Decl.CallText() + "\n" + failure);
            }
        }

        /// <summary>A failing case; FsCheck's report shows the message only (no stack trace).</summary>
        private sealed class CaseFailed : Exception
        {
            public CaseFailed(string message)
                : base(message)
            {
            }

            public override string ToString() => Message;
        }

        private static string Coverage(IReadOnlyList<VariantCase> cases)
        {
            var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
            void Count(bool condition, string label)
            {
                if (condition)
                {
                    counts[label] = counts.TryGetValue(label, out int n) ? n + 1 : 1;
                }
            }

            foreach (Declaration d in cases.Select(c => c.Decl))
            {
                Count(d.WeightDecay is { Mode: WeightDecayMode.L2 }, "WeightDecay L2");
                Count(d.WeightDecay is { Mode: WeightDecayMode.Decoupled }, "WeightDecay decoupled");
                Count(d.WeightDecay is { Order: WeightDecayOrder.AfterCriticalBuffer }, "WeightDecay after buffer");
                Count(d.Maximize, "Maximize");
                Count(d.Momentum is { Input: MomentInput.Gradient }, "Momentum on gradients");
                Count(d.Momentum is { Input: MomentInput.Preconditioned }, "Momentum preconditioned");
                Count(d.FirstMoment is { Input: MomentInput.Gradient }, "FirstMoment on gradients");
                Count(d.FirstMoment is { Input: MomentInput.Preconditioned }, "FirstMoment preconditioned");
                Count(d.SecondMoment is not null, "SecondMoment");
                Count(d.SecondMoment is { Centered: true }, "SecondMoment centered");
                Count(d.Accumulator is not null, "Accumulator");
                Count(d.Sm3 is not null, "SM3");
                Count(d.Adafactor is not null, "Adafactor");
                Count(d.AmsGrad, "AmsGrad");
                Count(d.BiasCorrection, "BiasCorrection");
                Count(d.Epsilon is { Placement: EpsilonPlacement.InsideSqrt }, "Epsilon inside");
                Count(d.Epsilon is { Placement: EpsilonPlacement.OutsideSqrt }, "Epsilon outside");
                Count(d.LrDecay is not null, "LrDecay");
                Count(d.SkipNonFinite is not null, "SkipNonFinite");
                Count(d.Critical is not null, "CriticalBuffer");
                if (d.Critical is { } c)
                {
                    Reference.RefCritical r = d.ToReference().Critical!;
                    Count(!r.Active, "CriticalBuffer inactive (kappa = 0)");
                    Count(c.Structure == CriticalBufferStructure.Heap, "CriticalBuffer Heap");
                    Count(c.Structure == CriticalBufferStructure.Slots, "CriticalBuffer Slots");
                    Count(true, "CriticalBuffer aggregation " + r.Aggregation);
                    Count(c.KappaUse == KappaUse.Switch, "CriticalBuffer KappaUse Switch");
                    Count(c.Source == CriticalSource.Momentum, "CriticalBuffer Source Momentum");
                    Count(c.FirstStep == CriticalFirstStep.NoOp, "CriticalBuffer FirstStep NoOp");
                    Count(c.FeedsSecondMoment, "CriticalBuffer FeedsSecondMoment");
                    Count(c.SeedWithGradient, "CriticalBuffer SeedWithGradient");
                    Count(c.RandomReplacement, "CriticalBuffer RandomReplacement");
                    Count(r.CriticalTest == 1, "CriticalBuffer critical_test = 1");
                    Count(r.MaxAge > 0, "CriticalBuffer max_age > 0");
                    Count(!r.Synced, "CriticalBuffer synced = false");
                }

                Count(d.AttributeOrder != 0, "attributes shuffled");
                Count(d.Args.Count > 0, "constructor arguments passed");
            }

            return "coverage (declarations): " + string.Join("; ", counts.Select(kv => kv.Key + " " + kv.Value));
        }
    }
}
