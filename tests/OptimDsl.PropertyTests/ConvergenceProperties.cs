using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using OptimDsl.PropertyTests.Convergence;
using OptimDsl.PropertyTests.Harness;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using Xunit.Abstractions;

namespace OptimDsl.PropertyTests
{
    /// <summary>
    /// docs/CONVERGENCE.md's bound, δ_t ≤ ρ^⌊t/(2D+1)⌋·δ_0 at every step, for a generated SGD + critical buffer on random
    /// strongly convex quadratics with exact gradients, every aggregation rule, both buffer structures and max_age = D.
    /// </summary>
    public sealed class ConvergenceProperties
    {
        /// <summary>Cases per run.</summary>
        public const int Cases = 150;

        /// <summary>Steps per case.</summary>
        public const int Steps = 200;

        /// <summary>Relative tolerance for float64 rounding.</summary>
        public const double RelativeTolerance = 1e-9;

        /// <summary>
        /// Absolute floor, relative to the problem's scale: once the bound falls below float64's resolution of θ
        /// (‖θ*‖·ε per coordinate), δ_t cannot follow it (a cond-1 quadratic is solved in one step to rounding).
        /// </summary>
        public const double AbsoluteFloor = 1e-12;

        private readonly ITestOutputHelper _out;

        public ConvergenceProperties(ITestOutputHelper output) => _out = output;

        [Fact]
        public void GeneratedSgdWithCriticalBufferMeetsTheBound()
        {
            var watch = Stopwatch.StartNew();
            ulong seed = PropertyRunner.Seed();
            _out.WriteLine("seed " + seed + " (replay with OPTIMDSL_PROPERTY_SEED=" + seed + ")");
            var runner = new PropertyRunner(_out.WriteLine);
            var tightness = new List<double>();
            var finalRatio = new List<double>();
            Prop.ForAll(ConvergenceCase.Arbitrary(), c =>
                {
                    // Cases alternate between the fused CPU kernels and tensor operations.
                    bool fused = c.Seed % 2 == 0;
                    (double worst, double last) = CheckBound(c, (parameters, lr) => c.Structure == CriticalBufferStructure.Heap
                        ? new BoundSgdHeap(parameters, lr: lr, topC: c.TopC, decay: c.Decay, kappa: c.Kappa, aggr: c.Rule, max_age: c.MaxAge, fused: fused)
                        : new BoundSgdSlots(parameters, lr: lr, topC: c.TopC, decay: c.Decay, kappa: c.Kappa, aggr: c.Rule, max_age: c.MaxAge, fused: fused));
                    tightness.Add(worst);
                    finalRatio.Add(last);
                })
                .Check(PropertyRunner.Configure(runner, Cases, seed, nameof(GeneratedSgdWithCriticalBufferMeetsTheBound)));
            tightness.Sort();
            finalRatio.Sort();
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{runner.Tests} cases × {Steps} steps; max_t δ_t/bound_t: median {tightness[tightness.Count / 2]:G3}, max {tightness[^1]:G3} "
                + $"(the first 2D+1 steps, where the bound is δ_0, dominate); δ_T/bound_T at T = {Steps}: median {finalRatio[finalRatio.Count / 2]:G3}, max {finalRatio[^1]:G3}; "
                + $"{watch.Elapsed.TotalSeconds:F1} s"));
        }

        /// <summary>Mutation: the buffer term enters with the wrong sign (κ → −κ). The bound must fail.</summary>
        [Fact]
        public void PlantedBug_NegatedBufferWeight_ViolatesTheBound() =>
            AssertBoundFails("negated buffer weight", Mutations.NegateBufferWeight);

        /// <summary>Mutation: the current gradient enters the aggregate (and the buffer) with the wrong sign. The bound must fail.</summary>
        [Fact]
        public void PlantedBug_NegatedCurrentGradient_ViolatesTheBound() =>
            AssertBoundFails("negated current gradient", Mutations.NegateCurrentQuantity);

        private void AssertBoundFails(string what, Func<string, string> mutation)
        {
            var watch = Stopwatch.StartNew();
            ulong seed = PropertyRunner.Seed();
            GeneratedSources g = VariantCompiler.Generate(BoundSgdSource.Text);
            VariantCompiler.ThrowOnGeneratorDiagnostics(g);
            string[] generated = g.Generated.Select(x => x.Source).ToArray();
            string[] mutated = generated.Select(mutation).ToArray();
            Assert.True(generated.Zip(mutated).All(p => p.First != p.Second), "the mutation does not apply to the generated source");
            using LoadedVariants loaded = VariantCompiler.Compile(g.Declarations, mutated);
            Type slots = loaded.Type("OptimDsl.PropertyTests.Mutated.BoundSgdSlots");
            Type heap = loaded.Type("OptimDsl.PropertyTests.Mutated.BoundSgdHeap");
            AssertSameArguments(typeof(BoundSgdSlots), slots);

            var runner = new PropertyRunner();
            PropertyFailedException failure = Assert.Throws<PropertyFailedException>(() =>
                Prop.ForAll(ConvergenceCase.Arbitrary(), c =>
                    {
                        CheckBound(c, (parameters, lr) => OptimizerFactory.Create(c.Structure == CriticalBufferStructure.Heap ? heap : slots, parameters,
                            new Dictionary<string, object?>
                            {
                                ["lr"] = lr, ["topC"] = c.TopC, ["decay"] = c.Decay, ["kappa"] = c.Kappa, ["aggr"] = c.Rule, ["max_age"] = c.MaxAge,
                                ["fused"] = c.Seed % 2 == 0,
                            }));
                    })
                    .Check(PropertyRunner.Configure(runner, Cases, seed, "planted bug: " + what)));
            _out.WriteLine(failure.Message);
            _out.WriteLine($"planted bug '{what}': falsified after {failure.Tests} case(s), {failure.Shrinks} shrink(s); {watch.Elapsed.TotalSeconds:F1} s");
            Assert.Contains("Shrunk", failure.Message);
            string shrunk = failure.Message.Substring(failure.Message.IndexOf("Shrunk", StringComparison.Ordinal));
            Assert.Contains("bound violated at step", shrunk);
            Assert.Contains("D = max_age", shrunk);
        }

        /// <summary>Runs one case; throws when δ_t exceeds the bound at some step; returns max_t δ_t / bound_t and δ_T / bound_T.</summary>
        private static (double Worst, double Last) CheckBound(ConvergenceCase c, Func<IEnumerable<Parameter>, double, OptimizerHelper> create)
        {
            var r = new Random(c.Seed);
            var f = new Quadratic(c.Dimension, c.Mu, c.L, r);
            int dStale = c.MaxAge;
            (double cMin, double cMax) = c.Factors();
            double l = c.L;
            double a = dStale == 0 ? 1 / l : Math.Min(1 / l, cMin * c.Mu / (4 * l * l * dStale * cMax));
            double alpha = a / cMax;
            double rho = 1 - alpha * cMin * c.Mu / 2 + alpha * alpha * cMax * cMax * l * l * dStale;
            if (!(rho < 1))
            {
                throw new InvalidOperationException("test setup: ρ = " + rho + " ≥ 1 for " + c);
            }

            double delta0 = f.Distance(f.Theta0);
            double floor = AbsoluteFloor * (delta0 + Math.Sqrt(f.ThetaStar.Sum(x => x * x)));
            using var scope = torch.NewDisposeScope();
            var p = new Parameter(torch.tensor(f.Theta0, torch.float64));
            using OptimizerHelper optimizer = create(new[] { p }, alpha);
            double worst = 0;
            double last = 0;
            double[] theta = f.Theta0;
            for (int t = 1; t <= Steps; t++)
            {
                p.grad = torch.tensor(f.Gradient(theta), torch.float64);
                optimizer.step();
                theta = p.detach().data<double>().ToArray();
                double delta = f.Distance(theta);
                double bound = Math.Pow(rho, t / (2 * dStale + 1)) * delta0;
                last = delta / bound;
                worst = Math.Max(worst, last);
                if (!(delta <= bound * (1 + RelativeTolerance) + floor))
                {
                    throw new BoundViolation(string.Create(CultureInfo.InvariantCulture,
                        $"bound violated at step {t}: δ_t = {delta:R} > ρ^⌊t/(2D+1)⌋·δ_0 = {bound:R} (ρ = {rho:R}, lr = α = {alpha:R}, a = α·c_max = {a:R}, c ∈ [{cMin:R}, {cMax:R}], δ_0 = {delta0:R}) for {c}"));
                }
            }

            return (worst, last);
        }

        private static void AssertSameArguments(Type expected, Type actual)
        {
            static string Signature(Type t) => string.Join(", ", t.GetConstructors()
                .Single(c => c.GetParameters()[0].ParameterType == typeof(IEnumerable<Parameter>))
                .GetParameters().Skip(1).Select(p => p.ParameterType.Name + " " + p.Name + " = " + p.DefaultValue));
            Assert.Equal(Signature(expected), Signature(actual));
        }

        /// <summary>A violation, reported by FsCheck with the message only.</summary>
        private sealed class BoundViolation : Exception
        {
            public BoundViolation(string message)
                : base(message)
            {
            }

            public override string ToString() => GetType().Name + ": " + Message;
        }
    }
}
