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
    /// <summary>The test-side SM3 optimizer step (Enealor/PyTorch-SM3) around <see cref="Sm3Accumulators"/>.</summary>
    public static class Sm3Reference
    {
        /// <summary>Per-parameter state of the test-side SM3 step.</summary>
        public sealed class Sm3State : IDisposable
        {
            public Sm3State(Tensor param) => Accumulators = new Sm3Accumulators(param);

            public Sm3Accumulators Accumulators { get; }

            public Tensor? MomentumBuffer { get; set; }

            public long Step { get; set; }

            public void Dispose()
            {
                Accumulators.Dispose();
                MomentumBuffer?.Dispose();
            }
        }

        /// <summary>
        /// One Enealor/PyTorch-SM3 step (dense): <c>nu = Update(g, beta)</c>; <c>update = nu.add_(eps).rsqrt_().mul_(g)</c>;
        /// momentum m &gt; 0: <c>update.mul_(1−m).add_(m_prev, alpha: m)</c>, m_prev = update (0 at first); <c>p.sub_(update, alpha: lr)</c>.
        /// Returns ν (for table checks).
        /// </summary>
        public static Tensor Step(Tensor p, Tensor g, Sm3State state, double lr, double momentum, double beta, double eps)
        {
            using var _ = no_grad();
            Tensor nu = state.Accumulators.Update(g, beta);
            Tensor result = nu.clone();
            using Scalar epsScalar = eps, oneMinusMomentum = 1.0 - momentum, momentumScalar = momentum, minusLr = -lr;
            Tensor update = nu.add_(epsScalar, Scalars.One).rsqrt_().mul_(g);
            if (momentum > 0)
            {
                update.mul_(oneMinusMomentum);
                if (state.MomentumBuffer is null)
                {
                    update.add_(zeros_like(update), alpha: momentumScalar); // the reference adds the float 0. on the first step
                    state.MomentumBuffer = update.clone().DetachFromDisposeScope();
                }
                else
                {
                    update.add_(state.MomentumBuffer, alpha: momentumScalar);
                    state.MomentumBuffer.copy_(update);
                }
            }

            p.add_(update, alpha: minusLr); // sub_(update, alpha=lr) is add with -alpha in ATen
            state.Step++;
            return result;
        }
    }

    /// <summary>
    /// SM3 at the helper level: the optimizer step of Enealor/PyTorch-SM3 written out here around
    /// <see cref="Sm3Accumulators"/>, replayed against tests/refvectors/sm3_*.json and ALGORITHMS.md 7.7 / 7.8.
    /// </summary>
    public class Sm3ReplayTests
    {
        private readonly ITestOutputHelper _output;

        public Sm3ReplayTests(ITestOutputHelper output) => _output = output;

        public static IEnumerable<object[]> Cases() => FactoredCase.FilesFor("sm3.SM3");

        [Fact]
        public void ReferenceCasesArePresent() => Assert.NotEmpty(Cases());

        [Theory]
        [MemberData(nameof(Cases))]
        public void ReplaysReference(string file)
        {
            FactoredCase c = FactoredCase.Load(file);
            double lr = c.Number("lr", 0.1);
            double momentum = c.Number("momentum", 0.0);
            double beta = c.Number("beta", 0.0);
            double eps = c.Number("eps", 1e-30);

            using var scope = NewDisposeScope();
            Tensor[] ps = c.Shapes.Select((s, i) => c.Tensor(c.Init[i], i)).ToArray();
            var states = ps.Select(p => new Sm3Reference.Sm3State(p)).ToArray();
            try
            {
                double worst = 0;
                for (int t = 0; t < c.Steps; t++)
                {
                    using (NewDisposeScope())
                    {
                        for (int i = 0; i < ps.Length; i++)
                        {
                            Sm3Reference.Step(ps[i], c.Tensor(c.Grads[t][i], i), states[i], lr, momentum, beta, eps);
                        }
                    }

                    for (int i = 0; i < ps.Length; i++)
                    {
                        double[] actual = Compare.Values(ps[i]);
                        string? bad = Compare.Mismatch(actual, c.Expected[t][i]);
                        Assert.True(bad is null, $"{c.Name} ({c.File}) step {t + 1} parameter {i} {FactoredStateShape(c.Shapes[i])}: {bad}");
                        worst = Math.Max(worst, Compare.MaxRelative(actual, c.Expected[t][i]));
                    }
                }

                _output.WriteLine($"{c.Name}: {c.Steps} steps, max relative error {worst:E2}");
            }
            finally
            {
                foreach (var s in states)
                {
                    s.Dispose();
                }
            }
        }

        private static string FactoredStateShape(long[] shape) => "[" + string.Join(",", shape) + "]";

        // ---------------- ALGORITHMS.md 7.7 / 7.8 ----------------

        private static readonly double[][] G =
        {
            new[] { 0.1, 0.05, 0.02, 0.03 },
            new[] { 1.0, -2.0, 0.0, 0.5 },
            new[] { -0.5, 0.0, 3.0, 1.0 },
        };

        private sealed record TableRow(double[] Nu, double[] Row, double[] Col, double[] W, double[]? WMomentum = null);

        // 7.7: SM3-II, 2×2, W0 = ones, lr 0.1, beta 0, eps 1e-30.
        private static readonly TableRow[] Table77 =
        {
            new(new[] { 0.01, 0.0025, 0.0004, 0.0009 }, new[] { 0.01, 0.0009 }, new[] { 0.01, 0.0025 },
                new[] { 0.9, 0.9, 0.9, 0.9 }, new[] { 0.99, 0.99, 0.99, 0.99 }),
            new(new[] { 1.01, 4.0025, 0.0009, 0.2509 }, new[] { 4.0025, 0.2509 }, new[] { 1.01, 4.0025 },
                new[] { 0.800496281, 0.9999687646, 0.9, 0.8001795155 }, new[] { 0.9710496281, 0.9909968765, 0.981, 0.9710179515 }),
            new(new[] { 1.26, 4.0025, 9.2509, 1.2509 }, new[] { 4.0025, 9.2509 }, new[] { 9.2509, 4.0025 },
                new[] { 0.8450398213, 0.9999687646, 0.8013654059, 0.7107689784 }, new[] { 0.9584486474, 0.9918940653, 0.9630365406, 0.9449930542 }),
        };

        // 7.8: EMA variant, beta 0.5, momentum 0.
        private static readonly TableRow[] Table78 =
        {
            new(new[] { 0.005, 0.00125, 0.0002, 0.00045 }, new[] { 0.005, 0.00045 }, new[] { 0.005, 0.00125 },
                new[] { 0.8585786438, 0.8585786438, 0.8585786438, 0.8585786438 }),
            new(new[] { 0.5025, 2.000625, 0.000225, 0.125225 }, new[] { 2.000625, 0.125225 }, new[] { 0.5025, 2.000625 },
                new[] { 0.7175095206, 0.9999779081, 0.8585786438, 0.7172843952 }),
            new(new[] { 0.37625, 1.0003125, 4.5626125, 0.5626125 }, new[] { 2.000625, 4.5626125 }, new[] { 4.5626125, 2.000625 },
                new[] { 0.7990234352, 0.9999779081, 0.7181309987, 0.5839643932 }),
        };

        // The tables print 10 significant digits (trailing zeros dropped): half a unit in the 10th digit is < 1e-9 relative.
        private static void AssertTable(string what, int step, double[] actual, double[] expected)
        {
            string? bad = Compare.Mismatch(actual, expected);
            Assert.True(bad is null, $"{what} after step {step}: {bad}");
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Vector77_Rank2(bool withMomentum)
        {
            using var scope = NewDisposeScope();
            Tensor w = ones(2, 2, dtype: ScalarType.Float64);
            using var state = new Sm3Reference.Sm3State(w);
            for (int t = 0; t < 3; t++)
            {
                Tensor g = tensor(G[t], dtype: ScalarType.Float64).reshape(2, 2);
                Tensor nu = Sm3Reference.Step(w, g, state, 0.1, withMomentum ? 0.9 : 0.0, 0.0, 1e-30);
                TableRow row = Table77[t];
                AssertTable("nu", t + 1, Compare.Values(nu), row.Nu);
                Assert.Equal(new long[] { 2, 1 }, state.Accumulators.Accumulators[0].shape);
                Assert.Equal(new long[] { 1, 2 }, state.Accumulators.Accumulators[1].shape);
                AssertTable("row", t + 1, Compare.Values(state.Accumulators.Accumulators[0]), row.Row);
                AssertTable("col", t + 1, Compare.Values(state.Accumulators.Accumulators[1]), row.Col);
                AssertTable(withMomentum ? "W (momentum 0.9)" : "W (momentum 0)", t + 1, Compare.Values(w), withMomentum ? row.WMomentum! : row.W);
            }
        }

        [Fact]
        public void Vector77_Rank1IsDiagonalAdagrad()
        {
            double[][] g = { new[] { 1.0, -2.0 }, new[] { 0.5, 0.5 }, new[] { -3.0, 1.0 } };
            double[][] acc = { new[] { 1.0, 4.0 }, new[] { 1.25, 4.25 }, new[] { 10.25, 5.25 } };
            double[][] theta = { new[] { 0.9, 1.1 }, new[] { 0.8552786405, 1.075746437 }, new[] { 0.9489828976, 1.032102859 } };

            using var scope = NewDisposeScope();
            Tensor w = ones(2, dtype: ScalarType.Float64);
            using var state = new Sm3Reference.Sm3State(w);
            Assert.Single(state.Accumulators.Accumulators);
            for (int t = 0; t < 3; t++)
            {
                Sm3Reference.Step(w, tensor(g[t], dtype: ScalarType.Float64), state, 0.1, 0.0, 0.0, 1e-30);
                AssertTable("acc", t + 1, Compare.Values(state.Accumulators.Accumulators[0]), acc[t]);
                AssertTable("theta", t + 1, Compare.Values(w), theta[t]);
            }
        }

        [Fact]
        public void Vector78_EmaKeepsTheLargerAccumulator()
        {
            using var scope = NewDisposeScope();
            Tensor w = ones(2, 2, dtype: ScalarType.Float64);
            using var state = new Sm3Reference.Sm3State(w);
            for (int t = 0; t < 3; t++)
            {
                Tensor g = tensor(G[t], dtype: ScalarType.Float64).reshape(2, 2);
                Tensor nu = Sm3Reference.Step(w, g, state, 0.1, 0.0, 0.5, 1e-30);
                TableRow row = Table78[t];
                AssertTable("nu", t + 1, Compare.Values(nu), row.Nu);
                AssertTable("row", t + 1, Compare.Values(state.Accumulators.Accumulators[0]), row.Row);
                AssertTable("col", t + 1, Compare.Values(state.Accumulators.Accumulators[1]), row.Col);
                AssertTable("W", t + 1, Compare.Values(w), row.W);
            }

            // Step 3: row 0 keeps 2.000625 although max(nu row 0) = 1.0003125 (max(old, new) rule).
            Assert.Equal(2.000625, Compare.Values(state.Accumulators.Accumulators[0])[0], 12);
        }

        [Fact]
        public void Ema_Rank1AccumulatorKeepsMaxLikeTheReference()
        {
            // Enealor/PyTorch-SM3 applies torch.max(acc, nu) to the single full accumulator too (rank <= 1, beta > 0):
            // acc = max(acc, beta*acc + (1-beta)*g^2), while nu = beta*acc_old + (1-beta)*g^2 is what the step uses.
            using var scope = NewDisposeScope();
            Tensor w = zeros(2, dtype: ScalarType.Float64);
            using var acc = new Sm3Accumulators(w);
            Tensor nu1 = acc.Update(tensor(new[] { 2.0, 1.0 }, dtype: ScalarType.Float64), 0.5);
            Assert.Equal(new[] { 2.0, 0.5 }, Compare.Values(nu1));
            Assert.Equal(new[] { 2.0, 0.5 }, Compare.Values(acc.Accumulators[0]));
            Tensor nu2 = acc.Update(tensor(new[] { 0.0, 2.0 }, dtype: ScalarType.Float64), 0.5);
            Assert.Equal(new[] { 1.0, 2.25 }, Compare.Values(nu2));
            Assert.Equal(new[] { 2.0, 2.25 }, Compare.Values(acc.Accumulators[0]));

            // beta = 0: plain accumulation acc += g^2, nu = acc.
            using var plain = new Sm3Accumulators(w);
            plain.Update(tensor(new[] { 2.0, 1.0 }, dtype: ScalarType.Float64), 0.0);
            Tensor nu3 = plain.Update(tensor(new[] { 0.0, 2.0 }, dtype: ScalarType.Float64), 0.0);
            Assert.Equal(new[] { 4.0, 5.0 }, Compare.Values(nu3));
            Assert.Equal(new[] { 4.0, 5.0 }, Compare.Values(plain.Accumulators[0]));
        }
    }
}
