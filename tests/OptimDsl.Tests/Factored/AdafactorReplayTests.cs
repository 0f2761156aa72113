using System;
using System.Collections.Generic;
using System.Linq;
using OptimDsl.Runtime;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Factored
{
    /// <summary>Hyper-parameters of HF <c>Adafactor</c> (defaults as the reference).</summary>
    public sealed record AdafactorConfig(
        double? Lr = null,
        double Eps1 = 1e-30,
        double Eps2 = 1e-3,
        double ClipThreshold = 1.0,
        double DecayRate = -0.8,
        double? Beta1 = null,
        double WeightDecay = 0.0,
        bool ScaleParameter = true,
        bool RelativeStep = true,
        bool WarmupInit = false)
    {
        public static AdafactorConfig From(FactoredCase c)
        {
            double[] eps = c.Pair("eps", 1e-30, 1e-3);
            return new AdafactorConfig(
                Lr: c.NullableNumber("lr", null),
                Eps1: eps[0],
                Eps2: eps[1],
                ClipThreshold: c.Number("clip_threshold", 1.0),
                DecayRate: c.Number("decay_rate", -0.8),
                Beta1: c.NullableNumber("beta1", null),
                WeightDecay: c.Number("weight_decay", 0.0),
                ScaleParameter: c.Flag("scale_parameter", true),
                RelativeStep: c.Flag("relative_step", true),
                WarmupInit: c.Flag("warmup_init", false));
        }
    }

    /// <summary>Per-parameter state of the test-side Adafactor step.</summary>
    public sealed class AdafactorState : IDisposable
    {
        public AdafactorState(Tensor param, AdafactorConfig cfg)
        {
            Second = new FactoredSecondMoment(param);
            if (cfg.Beta1 is not null)
            {
                using var _ = no_grad();
                ExpAvg = zeros(param.shape, dtype: Second.StateDtype, device: param.device).DetachFromDisposeScope();
            }
        }

        public long Step { get; set; }

        public FactoredSecondMoment Second { get; }

        public Tensor? ExpAvg { get; }

        public void Dispose()
        {
            Second.Dispose();
            ExpAvg?.Dispose();
        }
    }

    /// <summary>The test-side HF Adafactor step around the runtime helpers.</summary>
    public static class AdafactorReference
    {
        /// <summary>
        /// One HF Adafactor step for one parameter, in the reference's order: fp32 copies for half types, step += 1,
        /// lr_t (RMS of the parameter before the update), beta2t, preconditioning, clipping, <c>update.mul_(lr_t)</c>,
        /// first moment, decoupled weight decay <c>p −= wd·lr_t·p</c>, <c>p −= update</c>.
        /// </summary>
        public static void AdafactorStep(Tensor p, Tensor grad, AdafactorState state, AdafactorConfig cfg)
        {
            using var _ = no_grad();
            bool half = p.dtype == ScalarType.Float16 || p.dtype == ScalarType.BFloat16;
            Tensor p32 = half ? p.to(ScalarType.Float32) : p;
            Tensor g = grad.dtype == ScalarType.Float16 || grad.dtype == ScalarType.BFloat16 ? grad.to(ScalarType.Float32) : grad;

            state.Step++;
            Tensor lrT = AdafactorMath.LearningRate(p32, state.Step, cfg.Lr ?? 0.0, cfg.Eps2, cfg.RelativeStep, cfg.ScaleParameter, cfg.WarmupInit);
            double beta2t = AdafactorMath.Beta2(state.Step, cfg.DecayRate);
            Tensor update = state.Second.Precondition(g, beta2t, cfg.Eps1);
            AdafactorMath.ClipByRms(update, cfg.ClipThreshold);
            update.mul_(lrT);
            if (cfg.Beta1 is double beta1)
            {
                using Scalar beta1Scalar = beta1, oneMinusBeta1 = 1 - beta1;
                state.ExpAvg!.mul_(beta1Scalar).add_(update, alpha: oneMinusBeta1);
                update = state.ExpAvg;
            }

            if (cfg.WeightDecay != 0)
            {
                using Scalar minusWeightDecay = -cfg.WeightDecay;
                p32.add_(p32.mul(lrT), alpha: minusWeightDecay);
            }

            p32.sub_(update);
            if (half)
            {
                p.copy_(p32);
            }
        }
    }

    /// <summary>
    /// HF transformers <c>Adafactor.step</c> at the helper level, replayed against tests/refvectors/hf_*.json.
    /// </summary>
    public class AdafactorReplayTests
    {
        private readonly ITestOutputHelper _output;

        public AdafactorReplayTests(ITestOutputHelper output) => _output = output;

        public static IEnumerable<object[]> Cases() => FactoredCase.FilesFor("hf.Adafactor");

        [Fact]
        public void ReferenceCasesArePresent() => Assert.NotEmpty(Cases());

        [Theory]
        [MemberData(nameof(Cases))]
        public void ReplaysReference(string file)
        {
            FactoredCase c = FactoredCase.Load(file);
            AdafactorConfig cfg = AdafactorConfig.From(c);
            double worst = Replay(c, cfg, c.ScalarType, (t, i, actual, expected) =>
            {
                string? bad = Compare.Mismatch(actual, expected);
                Assert.True(bad is null, $"{c.Name} ({c.File}) step {t + 1} parameter {i} [{string.Join(",", c.Shapes[i])}]: {bad}");
            });
            _output.WriteLine($"{c.Name}: {c.Steps} steps, max relative error {worst:E2}");
        }

        /// <summary>The same cases in float32: the helpers must work there too (agreement to float32 precision only).</summary>
        [Theory]
        [MemberData(nameof(Cases))]
        public void ReplaysReferenceInFloat32(string file)
        {
            FactoredCase c = FactoredCase.Load(file);
            AdafactorConfig cfg = AdafactorConfig.From(c);
            double worst = Replay(c, cfg, ScalarType.Float32, (t, i, actual, expected) =>
            {
                // float32 trajectories drift by a few ulps per step; bound the error relative to the parameter scale.
                double scale = expected.Max(Math.Abs);
                string? bad = Compare.Mismatch(actual, expected, 1e-4, 1e-4 * scale);
                Assert.True(bad is null, $"{c.Name} float32 step {t + 1} parameter {i}: {bad}");
            });
            _output.WriteLine($"{c.Name} in float32: max relative error {worst:E2}");
        }

        private static double Replay(FactoredCase c, AdafactorConfig cfg, ScalarType dtype, Action<int, int, double[], double[]> check)
        {
            using var scope = NewDisposeScope();
            Tensor[] ps = c.Shapes.Select((s, i) => c.Tensor(c.Init[i], i, dtype)).ToArray();
            var states = ps.Select(p => new AdafactorState(p, cfg)).ToArray();
            try
            {
                double worst = 0;
                for (int t = 0; t < c.Steps; t++)
                {
                    using (NewDisposeScope())
                    {
                        for (int i = 0; i < ps.Length; i++)
                        {
                            AdafactorReference.AdafactorStep(ps[i], c.Tensor(c.Grads[t][i], i, dtype), states[i], cfg);
                        }
                    }

                    for (int i = 0; i < ps.Length; i++)
                    {
                        double[] actual = Compare.Values(ps[i]);
                        check(t, i, actual, c.Expected[t][i]);
                        worst = Math.Max(worst, Compare.MaxRelative(actual, c.Expected[t][i]));
                    }
                }

                return worst;
            }
            finally
            {
                foreach (var s in states)
                {
                    s.Dispose();
                }
            }
        }

        [Fact]
        public void LearningRate_MatchesGetLr()
        {
            using var scope = NewDisposeScope();
            Tensor p = tensor(new[] { 3.0, -4.0, 0.0, 0.0 }, dtype: ScalarType.Float64); // RMS = 5/2 = 2.5
            using Scalar smallValue = 1e-5;
            Tensor small = full(new long[] { 4 }, smallValue, dtype: ScalarType.Float64);       // RMS = 1e-5 < eps2

            // relative_step, default: min(1e-2, 1/sqrt(step))
            Assert.Equal(1e-2 * 2.5, AdafactorMath.LearningRate(p, 1, 0, 1e-3, true, true, false).item<double>(), 15);
            Assert.Equal(1.0 / Math.Sqrt(40000) * 2.5, AdafactorMath.LearningRate(p, 40000, 0, 1e-3, true, true, false).item<double>(), 15);
            Assert.Equal(1e-2 * 1e-3, AdafactorMath.LearningRate(small, 1, 0, 1e-3, true, true, false).item<double>(), 15);
            // warmup_init: min(1e-6*step, 1/sqrt(step))
            Assert.Equal(1e-6 * 7 * 2.5, AdafactorMath.LearningRate(p, 7, 0, 1e-3, true, true, true).item<double>(), 15);
            // relative_step false: lr (scaled or not)
            Assert.Equal(0.01 * 2.5, AdafactorMath.LearningRate(p, 3, 0.01, 1e-3, false, true, false).item<double>(), 15);
            Tensor unscaled = AdafactorMath.LearningRate(p, 3, 0.01, 1e-3, false, false, false);
            Assert.Equal(0.01, unscaled.item<double>());
            Assert.Empty(unscaled.shape);
            Assert.Equal(ScalarType.Float64, unscaled.dtype);

            Tensor p32 = ones(2, 3, dtype: ScalarType.Float32);
            Tensor lr32 = AdafactorMath.LearningRate(p32, 1, 0, 1e-3, true, true, false);
            Assert.Empty(lr32.shape);
            Assert.Equal(ScalarType.Float32, lr32.dtype);
            Assert.Equal(ScalarType.Float32, AdafactorMath.LearningRate(ones(3, dtype: ScalarType.BFloat16), 1, 0, 1e-3, true, true, false).dtype);
        }

        [Fact]
        public void Beta2_IsOneMinusStepToTheDecayRate()
        {
            Assert.Equal(0.0, AdafactorMath.Beta2(1, -0.8));
            Assert.Equal(1.0 - Math.Pow(10, -0.8), AdafactorMath.Beta2(10, -0.8));
        }

        [Fact]
        public void ClipByRms_ScalesDownOnlyAboveTheThreshold()
        {
            using var scope = NewDisposeScope();
            Tensor u = tensor(new[] { 3.0, -4.0, 0.0, 0.0 }, dtype: ScalarType.Float64); // RMS 2.5
            Tensor same = AdafactorMath.ClipByRms(u, 1.0);
            Assert.Same(u, same);
            Assert.Equal(new[] { 1.2, -1.6, 0.0, 0.0 }, Compare.Values(u).Select(v => Math.Round(v, 14)));
            Tensor v = tensor(new[] { 0.3, -0.4 }, dtype: ScalarType.Float64);              // RMS 0.3536 < 1
            AdafactorMath.ClipByRms(v, 1.0);
            Assert.Equal(new[] { 0.3, -0.4 }, Compare.Values(v));
            Tensor w = tensor(new[] { 0.3, -0.4 }, dtype: ScalarType.Float64);
            AdafactorMath.ClipByRms(w, 0.125);                                                     // RMS/0.125 = 2.828
            Assert.Equal(0.125, Math.Sqrt(Compare.Values(w).Select(x => x * x).Average()), 14);
        }

        [Theory]
        [InlineData(ScalarType.BFloat16)]
        [InlineData(ScalarType.Float16)]
        public void HalfPrecisionParameters_AreComputedInFloat32(ScalarType dtype)
        {
            FactoredCase c = FactoredCase.Load((string)Cases().First()[0]);
            AdafactorConfig cfg = AdafactorConfig.From(c);
            using var scope = NewDisposeScope();
            Tensor[] ps = c.Shapes.Select((s, i) => c.Tensor(c.Init[i], i, dtype)).ToArray();
            var states = ps.Select(p => new AdafactorState(p, cfg)).ToArray();
            try
            {
                Assert.All(states, s => Assert.Equal(ScalarType.Float32, s.Second.StateDtype));
                for (int t = 0; t < 5; t++)
                {
                    for (int i = 0; i < ps.Length; i++)
                    {
                        AdafactorReference.AdafactorStep(ps[i], c.Tensor(c.Grads[t][i], i, dtype), states[i], cfg);
                    }
                }

                for (int i = 0; i < ps.Length; i++)
                {
                    Assert.Equal(dtype, ps[i].dtype);
                    double[] actual = Compare.Values(ps[i]);
                    Assert.All(actual, x => Assert.True(double.IsFinite(x)));
                    double scale = c.Expected[4][i].Max(Math.Abs);
                    Assert.True(Compare.Mismatch(actual, c.Expected[4][i], 2e-2, 2e-2 * scale) is null, "half-precision run drifted");
                }
            }
            finally
            {
                foreach (var s in states)
                {
                    s.Dispose();
                }
            }
        }
    }
}
