using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using G = OptimDsl.Optimizers;

namespace OptimDsl.Tests.Classic
{
    /// <summary>The five classic catalog optimizers.</summary>
    public enum ClassicKind
    {
        SGD,
        Adam,
        AdamW,
        RMSprop,
        Adagrad,
    }

    /// <summary>
    /// One hyper-parameter configuration that can build both the generated optimizer (PyTorch argument names) and the
    /// TorchSharp built-in with the same meaning. Every argument is passed explicitly to the built-in factories
    /// (their defaults differ from PyTorch in places: <c>AdamW</c>'s weight_decay defaults to 0, not 0.01; SGD's
    /// learning rate is a required argument named <c>learningRate</c>; the RMSprop factory is spelled <c>RMSProp</c>).
    /// </summary>
    public abstract record ClassicConfig
    {
        public abstract ClassicKind Kind { get; }

        /// <summary>The generated (catalog) optimizer; <paramref name="fused"/> is its <c>fused</c> argument.</summary>
        public abstract optim.Optimizer Generated(IEnumerable<Parameter> parameters, bool? fused = null);

        /// <summary>TorchSharp's built-in optimizer with the same hyper-parameters.</summary>
        public abstract optim.Optimizer Builtin(IEnumerable<Parameter> parameters);

        /// <summary>The optional behaviours this configuration switches on (for the generator's coverage report).</summary>
        public abstract IEnumerable<string> Features();

        protected static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

        protected static IEnumerable<string> On(params (bool On, string Name)[] flags) => flags.Where(f => f.On).Select(f => f.Name);
    }

    public sealed record SgdConfig(double lr, double momentum, double dampening, bool nesterov, double weight_decay, bool maximize) : ClassicConfig
    {
        public override ClassicKind Kind => ClassicKind.SGD;

        public override optim.Optimizer Generated(IEnumerable<Parameter> parameters, bool? fused = null) =>
            new G.SGD(parameters, lr: lr, momentum: momentum, dampening: dampening, nesterov: nesterov, weight_decay: weight_decay, maximize: maximize, fused: fused);

        public override optim.Optimizer Builtin(IEnumerable<Parameter> parameters) =>
            optim.SGD(parameters, learningRate: lr, momentum: momentum, dampening: dampening, weight_decay: weight_decay, nesterov: nesterov, maximize: maximize);

        public override IEnumerable<string> Features() =>
            On((momentum > 0, "momentum"), (dampening > 0, "dampening"), (nesterov, "nesterov"), (weight_decay > 0, "weight_decay"), (maximize, "maximize"));

        public override string ToString() =>
            $"SGD(lr={F(lr)}, momentum={F(momentum)}, dampening={F(dampening)}, nesterov={nesterov}, weight_decay={F(weight_decay)}, maximize={maximize})";
    }

    public sealed record AdamConfig(bool decoupled, double lr, double beta1, double beta2, double eps, double weight_decay, bool amsgrad, bool maximize) : ClassicConfig
    {
        public override ClassicKind Kind => decoupled ? ClassicKind.AdamW : ClassicKind.Adam;

        public override optim.Optimizer Generated(IEnumerable<Parameter> parameters, bool? fused = null) => decoupled
            ? new G.AdamW(parameters, lr: lr, beta1: beta1, beta2: beta2, eps: eps, weight_decay: weight_decay, amsgrad: amsgrad, maximize: maximize, fused: fused)
            : new G.Adam(parameters, lr: lr, beta1: beta1, beta2: beta2, eps: eps, weight_decay: weight_decay, amsgrad: amsgrad, maximize: maximize, fused: fused);

        public override optim.Optimizer Builtin(IEnumerable<Parameter> parameters) => decoupled
            ? optim.AdamW(parameters, lr: lr, beta1: beta1, beta2: beta2, eps: eps, weight_decay: weight_decay, amsgrad: amsgrad, maximize: maximize)
            : optim.Adam(parameters, lr: lr, beta1: beta1, beta2: beta2, eps: eps, weight_decay: weight_decay, amsgrad: amsgrad, maximize: maximize);

        public override IEnumerable<string> Features() =>
            On((beta1 == 0, "beta1=0"), (eps == 0, "eps=0"), (weight_decay > 0, "weight_decay"), (amsgrad, "amsgrad"), (maximize, "maximize"));

        public override string ToString() =>
            $"{Kind}(lr={F(lr)}, beta1={F(beta1)}, beta2={F(beta2)}, eps={F(eps)}, weight_decay={F(weight_decay)}, amsgrad={amsgrad}, maximize={maximize})";
    }

    public sealed record RmspropConfig(double lr, double alpha, double eps, double weight_decay, double momentum, bool centered, bool maximize) : ClassicConfig
    {
        public override ClassicKind Kind => ClassicKind.RMSprop;

        public override optim.Optimizer Generated(IEnumerable<Parameter> parameters, bool? fused = null) =>
            new G.RMSprop(parameters, lr: lr, alpha: alpha, centered: centered, eps: eps, weight_decay: weight_decay, momentum: momentum, maximize: maximize, fused: fused);

        public override optim.Optimizer Builtin(IEnumerable<Parameter> parameters) =>
            optim.RMSProp(parameters, lr: lr, alpha: alpha, eps: eps, weight_decay: weight_decay, momentum: momentum, centered: centered, maximize: maximize);

        public override IEnumerable<string> Features() =>
            On((momentum > 0, "momentum"), (centered, "centered"), (weight_decay > 0, "weight_decay"), (maximize, "maximize"));

        public override string ToString() =>
            $"RMSprop(lr={F(lr)}, alpha={F(alpha)}, eps={F(eps)}, weight_decay={F(weight_decay)}, momentum={F(momentum)}, centered={centered}, maximize={maximize})";
    }

    /// <summary>
    /// Adagrad. TorchSharp's built-in has no <c>maximize</c> argument, so <see cref="Builtin"/> requires
    /// <c>maximize == false</c>; PyTorch's maximize is checked separately (ClassicTorchSharpDifferenceTests).
    /// </summary>
    public sealed record AdagradConfig(double lr, double lr_decay, double weight_decay, double initial_accumulator_value, double eps, bool maximize) : ClassicConfig
    {
        public override ClassicKind Kind => ClassicKind.Adagrad;

        public override optim.Optimizer Generated(IEnumerable<Parameter> parameters, bool? fused = null) =>
            new G.Adagrad(parameters, lr: lr, lr_decay: lr_decay, initial_accumulator_value: initial_accumulator_value, eps: eps, weight_decay: weight_decay, maximize: maximize, fused: fused);

        public override optim.Optimizer Builtin(IEnumerable<Parameter> parameters)
        {
            if (maximize)
            {
                throw new InvalidOperationException("TorchSharp's Adagrad has no maximize argument.");
            }

            return optim.Adagrad(parameters, lr: lr, lr_decay: lr_decay, weight_decay: weight_decay, initial_accumulator_value: initial_accumulator_value, eps: eps);
        }

        public override IEnumerable<string> Features() =>
            On((lr_decay > 0, "lr_decay"), (initial_accumulator_value > 0, "initial_accumulator_value"), (weight_decay > 0, "weight_decay"), (maximize, "maximize"));

        public override string ToString() =>
            $"Adagrad(lr={F(lr)}, lr_decay={F(lr_decay)}, weight_decay={F(weight_decay)}, initial_accumulator_value={F(initial_accumulator_value)}, eps={F(eps)}, maximize={maximize})";
    }

    /// <summary>
    /// A small float32 model and its gradient sequence, all derived from <see cref="Seed"/>: initial values are N(0,1),
    /// gradients N(0,1)·<see cref="GradScale"/>; with probability <see cref="MissingGrad"/> a parameter has no gradient
    /// at a step (its <c>grad</c> is null, so both optimizers must skip it, as PyTorch does).
    /// </summary>
    public sealed record ModelSpec(long[][] Shapes, int Seed, double GradScale, double MissingGrad)
    {
        public override string ToString() =>
            $"Model(shapes=[{string.Join(", ", Shapes.Select(s => "[" + string.Join("x", s) + "]"))}], seed={Seed}, gradScale={GradScale.ToString("R", CultureInfo.InvariantCulture)}, missingGrad={MissingGrad.ToString("R", CultureInfo.InvariantCulture)})";

        /// <summary>Fresh parameters (identical values on every call).</summary>
        public Parameter[] Parameters()
        {
            using var gen = new Generator((ulong)Seed);
            return Shapes.Select(s => new Parameter(randn(s, ScalarType.Float32, generator: gen))).ToArray();
        }

        /// <summary>grads[step][i], null where parameter i has no gradient at that step.</summary>
        public Tensor?[][] Gradients(int steps)
        {
            using var gen = new Generator((ulong)Seed + 7919UL);
            var rng = new Random(Seed);
            var result = new Tensor?[steps][];
            for (int t = 0; t < steps; t++)
            {
                result[t] = new Tensor?[Shapes.Length];
                for (int i = 0; i < Shapes.Length; i++)
                {
                    using Scalar gradScale = GradScale;
                    Tensor g = randn(Shapes[i], ScalarType.Float32, generator: gen).mul_(gradScale);
                    if (rng.NextDouble() < MissingGrad)
                    {
                        g.Dispose();
                        result[t][i] = null;
                    }
                    else
                    {
                        result[t][i] = g;
                    }
                }
            }

            return result;
        }
    }

    /// <summary>Helpers shared by the classic-optimizer tests.</summary>
    public static class ClassicHarness
    {
        /// <summary>Relative tolerance of the float32 comparisons.</summary>
        public const double RelativeTolerance = 1e-5;

        /// <summary>
        /// Absolute floor of the float32 comparisons. A relative bound means nothing for a value that crosses zero:
        /// parameters are O(1) (N(0,1) initial values, updates of at most lr·O(1) per step), so one rounding step of a
        /// float32 O(1) quantity is ~6e-8 (2^-24), and a value that lands near 0 after 50 updates can carry an absolute
        /// error of a few such ulps of the terms it was computed from; 1e-6 is ~16 ulps of 1.0, far below any real
        /// algorithmic difference (which shows up as ~lr·|g| ≥ 1e-4·1e-3 at once and grows).
        /// </summary>
        public const double AbsoluteFloor = 1e-6;

        /// <summary>
        /// The fused path's extra allowance, relative to the tensor's largest magnitude. The fused kernels round differently
        /// from libtorch (libtorch's vectorised add/addcmul/addcdiv fuse a multiply-add, the kernels round both operations):
        /// a few ulps per step, which momentum carries on for 1/(1 − momentum) steps (50 at 0.98) and which stays the size of
        /// the largest values the step computed with even where a parameter cancels to near zero. 1e-4 of the tensor's
        /// largest element covers 50 steps × a few ulps × that amplification; an algorithmic difference moves every element
        /// by a sizeable part of lr·|g| at once.
        /// </summary>
        public const double FusedScaleTolerance = 1e-4;

        /// <summary>Deep copies of the parameters (same values, own storage, requires_grad).</summary>
        public static Parameter[] Copy(IEnumerable<Parameter> parameters) =>
            parameters.Select(p => new Parameter(p.detach().clone())).ToArray();

        /// <summary>Sets <c>grad</c> of every parameter to a private copy of the given gradient (or null).</summary>
        public static void SetGrads(IReadOnlyList<Parameter> parameters, IReadOnlyList<Tensor?> grads)
        {
            for (int i = 0; i < parameters.Count; i++)
            {
                Tensor? g = grads[i];
                if (g is null)
                {
                    parameters[i].grad = null;
                }
                else
                {
                    using Tensor copy = g.clone();
                    parameters[i].grad = copy;
                }
            }
        }

        public static float[] Values(Tensor t) => t.detach().cpu().contiguous().data<float>().ToArray();

        /// <summary>
        /// Null when every element of <paramref name="actual"/> is within tolerance of <paramref name="expected"/>
        /// (NaN matches NaN only); otherwise a description of the worst element.
        /// </summary>
        /// <param name="expected">The built-in's parameters.</param>
        /// <param name="actual">The generated optimizer's parameters.</param>
        /// <param name="worstRatio">The worst |diff|/allowed.</param>
        /// <param name="fusedPath">Whether the generated optimizer ran its fused kernels (<see cref="FusedScaleTolerance"/>).</param>
        public static string? Compare(IReadOnlyList<Tensor> expected, IReadOnlyList<Tensor> actual, out double worstRatio, bool fusedPath = false)
        {
            worstRatio = 0;
            string? failure = null;
            double failureRatio = 0;
            for (int i = 0; i < expected.Count; i++)
            {
                float[] e = Values(expected[i]);
                float[] a = Values(actual[i]);
                if (e.Length != a.Length)
                {
                    return $"parameter {i}: {e.Length} vs {a.Length} elements";
                }

                double floor = fusedPath ? Math.Max(AbsoluteFloor, FusedScaleTolerance * e.Select(v => Math.Abs((double)v)).Where(v => !double.IsNaN(v)).DefaultIfEmpty(0).Max()) : AbsoluteFloor;

                for (int k = 0; k < e.Length; k++)
                {
                    double ratio;
                    if (double.IsNaN(e[k]) || double.IsNaN(a[k]))
                    {
                        ratio = double.IsNaN(e[k]) && double.IsNaN(a[k]) ? 0 : double.PositiveInfinity;
                    }
                    else
                    {
                        double allowed = Math.Max(RelativeTolerance * Math.Abs((double)e[k]), floor);
                        ratio = Math.Abs((double)a[k] - e[k]) / allowed;
                    }

                    worstRatio = Math.Max(worstRatio, ratio);
                    if (ratio > 1 && ratio > failureRatio)
                    {
                        failureRatio = ratio;
                        failure = string.Format(CultureInfo.InvariantCulture,
                            "parameter {0} element {1}: expected (built-in) {2:R}, actual (generated) {3:R}, |diff| {4:E3} > allowed {5:E3}",
                            i, k, e[k], a[k], Math.Abs((double)a[k] - e[k]), Math.Max(RelativeTolerance * Math.Abs((double)e[k]), floor));
                    }
                }
            }

            return failure;
        }

        /// <summary>Asserts same dtype, shape and bytes.</summary>
        public static void AssertBitIdentical(IReadOnlyList<Tensor> expected, IReadOnlyList<Tensor> actual, string what)
        {
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.True(expected[i].dtype == actual[i].dtype, $"{what}: parameter {i} dtype {expected[i].dtype} vs {actual[i].dtype}");
                Assert.True(expected[i].shape.SequenceEqual(actual[i].shape), $"{what}: parameter {i} shape differs");
                byte[] e = expected[i].detach().cpu().contiguous().bytes.ToArray();
                byte[] a = actual[i].detach().cpu().contiguous().bytes.ToArray();
                if (!e.SequenceEqual(a))
                {
                    float[] ev = Values(expected[i]);
                    float[] av = Values(actual[i]);
                    int k = Enumerable.Range(0, ev.Length).First(j => BitConverter.SingleToInt32Bits(ev[j]) != BitConverter.SingleToInt32Bits(av[j]));
                    Assert.Fail(string.Format(CultureInfo.InvariantCulture, "{0}: parameter {1} element {2}: {3:R} vs {4:R}", what, i, k, ev[k], av[k]));
                }
            }
        }

        /// <summary>
        /// Trains <paramref name="generated"/> on <paramref name="a"/> and <paramref name="builtin"/> on <paramref name="b"/>
        /// with the same gradients and throws on the first step whose parameters differ beyond tolerance.
        /// <paramref name="afterStep"/> runs after both steps (e.g. to step schedulers and compare their values).
        /// </summary>
        /// <returns>The worst |diff|/allowed ratio seen.</returns>
        public static double TrainSideBySide(object what, optim.Optimizer generated, Parameter[] a, optim.Optimizer builtin, Parameter[] b,
            Tensor?[][] grads, Action<int>? afterStep = null, bool fusedPath = false)
        {
            double worst = 0;
            for (int t = 0; t < grads.Length; t++)
            {
                SetGrads(a, grads[t]);
                SetGrads(b, grads[t]);
                generated.step();
                builtin.step();
                afterStep?.Invoke(t);
                string? failure = Compare(b, a, out double ratio, fusedPath);
                worst = Math.Max(worst, ratio);
                if (failure is not null)
                {
                    throw new Xunit.Sdk.XunitException($"{what}: first differing step {t + 1} of {grads.Length}: {failure}");
                }
            }

            return worst;
        }

        /// <summary>Writes a binary checkpoint to memory.</summary>
        public static byte[] Save(optim.Optimizer optimizer)
        {
            using var ms = new MemoryStream();
            using (var writer = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
            {
                ((OptimizerHelper)optimizer).save_state_dict(writer);
            }

            return ms.ToArray();
        }

        /// <summary>Loads a binary checkpoint and asserts it was read to its end.</summary>
        public static void Load(optim.Optimizer optimizer, byte[] checkpoint)
        {
            using var ms = new MemoryStream(checkpoint);
            using (var reader = new BinaryReader(ms, Encoding.UTF8, leaveOpen: true))
            {
                ((OptimizerHelper)optimizer).load_state_dict(reader);
            }

            Assert.True(ms.Position == ms.Length, $"checkpoint read {ms.Position} of {ms.Length} bytes");
        }
    }
}
