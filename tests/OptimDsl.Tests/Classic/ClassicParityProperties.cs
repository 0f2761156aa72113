using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using TorchSharp.Modules;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Classic
{
    /// <summary>A configuration and a model (with its gradient sequence) for one parity case.</summary>
    public sealed record ParityCase(ClassicConfig Config, ModelSpec Model)
    {
        public override string ToString() => $"{Config} on {Model}";
    }

    /// <summary>
    /// FsCheck generators of valid hyper-parameters, restricted to where TorchSharp's built-ins implement PyTorch's
    /// semantics (the exclusions are documented, and PyTorch's behaviour there is asserted, in
    /// <see cref="ClassicTorchSharpDifferenceTests"/>):
    /// <list type="bullet">
    /// <item>SGD: <c>maximize</c> only with <c>weight_decay == 0</c> — TorchSharp's SGD adds the weight decay to the
    /// un-negated gradient and flips the sign of the final update instead of negating the gradient first.</item>
    /// <item>Adagrad: <c>maximize == false</c> — TorchSharp's Adagrad has no <c>maximize</c> argument.</item>
    /// <item>Nesterov only with momentum &gt; 0 and dampening = 0 (PyTorch's own rule; anything else is invalid).</item>
    /// </list>
    /// </summary>
    public static class ClassicGen
    {
        public static Gen<double> Uniform(double lo, double hi) =>
            Gen.Choose(0, 100_000).Select(i => lo + (hi - lo) * i / 100_000.0);

        public static Gen<double> LogUniform(double lo, double hi) =>
            Gen.Choose(0, 100_000).Select(i => Math.Pow(10, Math.Log10(lo) + (Math.Log10(hi) - Math.Log10(lo)) * i / 100_000.0));

        /// <summary>0 one time in three (so the "off" branch of every optional block is exercised), else <paramref name="gen"/>.</summary>
        public static Gen<double> ZeroOr(Gen<double> gen) => Gen.Frequency((1, Gen.Constant(0.0)), (2, gen));

        public static Gen<bool> Bool => Gen.Elements(false, true);

        public static Gen<ClassicConfig> Sgd =>
            from lr in LogUniform(1e-4, 1e-1)
            from momentum in ZeroOr(Uniform(0.0, 0.99))
            from dampening in Gen.Frequency((2, Gen.Constant(0.0)), (2, Uniform(0.0, 1.0)), (1, Gen.Constant(1.0)))
            from nesterov in momentum > 0 && dampening == 0 ? Bool : Gen.Constant(false)
            from weight_decay in ZeroOr(LogUniform(1e-4, 1e-1))
            from maximize in weight_decay == 0 ? Bool : Gen.Constant(false)
            select (ClassicConfig)new SgdConfig(lr, momentum, dampening, nesterov, weight_decay, maximize);

        public static Gen<ClassicConfig> Adam(bool decoupled) =>
            from lr in LogUniform(1e-4, 1e-1)
            from beta1 in Gen.Frequency((1, Gen.Constant(0.0)), (4, Uniform(0.5, 0.99)))
            from beta2 in Gen.Frequency((1, Uniform(0.0, 0.9)), (4, Uniform(0.9, 0.9999)))
            from eps in Gen.Frequency((1, Gen.Constant(0.0)), (6, LogUniform(1e-10, 1e-3)))
            from weight_decay in ZeroOr(LogUniform(1e-4, 1e-1))
            from amsgrad in Bool
            from maximize in Bool
            select (ClassicConfig)new AdamConfig(decoupled, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize);

        public static Gen<ClassicConfig> Rmsprop =>
            from lr in LogUniform(1e-4, 1e-2)
            from alpha in Uniform(0.5, 0.999)
            from eps in LogUniform(1e-10, 1e-3)
            from weight_decay in ZeroOr(LogUniform(1e-4, 1e-1))
            from momentum in ZeroOr(Uniform(0.0, 0.95))
            from centered in Bool
            from maximize in Bool
            select (ClassicConfig)new RmspropConfig(lr, alpha, eps, weight_decay, momentum, centered, maximize);

        public static Gen<ClassicConfig> Adagrad =>
            from lr in LogUniform(1e-4, 0.5)
            from lr_decay in ZeroOr(LogUniform(1e-4, 1e-1))
            from weight_decay in ZeroOr(LogUniform(1e-4, 1e-1))
            from initial_accumulator_value in ZeroOr(Uniform(0.0, 1.0))
            from eps in LogUniform(1e-10, 1e-4)
            select (ClassicConfig)new AdagradConfig(lr, lr_decay, weight_decay, initial_accumulator_value, eps, false);

        public static Gen<ClassicConfig> For(ClassicKind kind) => kind switch
        {
            ClassicKind.SGD => Sgd,
            ClassicKind.Adam => Adam(false),
            ClassicKind.AdamW => Adam(true),
            ClassicKind.RMSprop => Rmsprop,
            ClassicKind.Adagrad => Adagrad,
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        /// <summary>Up to 3 float32 tensors, rank 1..3, every dimension 1..6.</summary>
        public static Gen<long[]> Shape =>
            from rank in Gen.Choose(1, 3)
            from dims in Gen.Choose(1, 6).ArrayOf(rank)
            select dims.Select(d => (long)d).ToArray();

        public static Gen<ModelSpec> Model =>
            from count in Gen.Choose(1, 3)
            from shapes in Shape.ArrayOf(count)
            from seed in Gen.Choose(0, 1_000_000)
            from gradScale in Gen.Elements(1e-3, 0.1, 1.0, 10.0)
            from missing in Gen.Frequency((3, Gen.Constant(0.0)), (1, Gen.Constant(0.2)))
            select new ModelSpec(shapes, seed, gradScale, missing);

        public static Arbitrary<ParityCase> Cases(ClassicKind kind) =>
            (from config in For(kind)
             from model in Model
             select new ParityCase(config, model)).ToArbitrary();
    }

    /// <summary>
    /// Property 1: for random valid hyper-parameters, models and 50-step gradient sequences, each classic catalog
    /// optimizer equals TorchSharp's built-in in float32 after every step: bit for bit on the tensor-operation path
    /// (<c>fused: false</c>, the same libtorch operations in the same order), and on the fused CPU path within 1e-5 relative
    /// or 1e-4 of the tensor's largest element (<see cref="ClassicHarness.FusedScaleTolerance"/>: the one-pass arithmetic
    /// rounds differently, libtorch fuses some multiply-adds and the kernels do not).
    /// </summary>
    public sealed class ClassicParityProperties
    {
        public const int Steps = 50;
        public const int CasesPerOptimizer = 30;

        private readonly ITestOutputHelper _output;

        public ClassicParityProperties(ITestOutputHelper output) => _output = output;

        [Theory]
        [InlineData(ClassicKind.SGD)]
        [InlineData(ClassicKind.Adam)]
        [InlineData(ClassicKind.AdamW)]
        [InlineData(ClassicKind.RMSprop)]
        [InlineData(ClassicKind.Adagrad)]
        public void GeneratedMatchesTorchSharpBuiltin(ClassicKind kind)
        {
            double worst = 0;
            int cases = 0;
            var coverage = new Dictionary<string, int>();
            double worstTensorPath = 0;
            Property property = Prop.ForAll(ClassicGen.Cases(kind), c =>
            {
                worstTensorPath = Math.Max(worstTensorPath, RunCase(c, fused: false));
                Assert.True(worstTensorPath == 0, $"{c}: the tensor-operation path differs from TorchSharp's built-in (|diff|/allowed {worstTensorPath:G3})");
                double ratio = RunCase(c, fused: true);
                worst = Math.Max(worst, ratio);
                cases++;
                foreach (string feature in c.Config.Features().Append(c.Model.MissingGrad > 0 ? "missing grads" : "all grads"))
                {
                    coverage[feature] = coverage.GetValueOrDefault(feature) + 1;
                }
            });
            Check.One(Config.QuickThrowOnFailure.WithMaxTest(CasesPerOptimizer).WithQuietOnSuccess(true), property);
            _output.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "{0}: {1} cases x {2} steps; tensor path bit-identical; fused path worst |diff|/allowed = {3:G3}; cases with: {4}", kind, cases, Steps, worst,
                string.Join(", ", coverage.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + " " + p.Value))));
        }

        /// <summary>Runs one case on one path; throws (with the first differing step) on a mismatch beyond tolerance.</summary>
        public static double RunCase(ParityCase c, bool? fused)
        {
            using var scope = NewDisposeScope();
            Parameter[] a = c.Model.Parameters();
            Parameter[] b = ClassicHarness.Copy(a);
            Tensor?[][] grads = c.Model.Gradients(Steps);
            using optim.Optimizer generated = c.Config.Generated(a, fused);
            using optim.Optimizer builtin = c.Config.Builtin(b);
            Tensor[] initial = a.Select(p => p.detach().clone()).ToArray();
            double worst = ClassicHarness.TrainSideBySide(c, generated, a, builtin, b, grads, fusedPath: fused == true);

            // Guard against a vacuous harness (gradients not reaching the optimizers): training must move the model.
            Assert.True(initial.Zip(a, (i, p) => !i.allclose(p, rtol: 0, atol: 0)).Any(moved => moved), $"{c}: no parameter moved in {Steps} steps");
            return worst;
        }
    }
}
