using System;
using System.Collections.Generic;
using System.Linq;
using OptimDsl.PropertyTests.Reference;
using Xunit;

namespace OptimDsl.PropertyTests
{
    /// <summary>
    /// The reference itself against the hand-checkable vectors of ALGORITHMS.md §7 (10 significant digits), so that the
    /// property suites compare the generated code with something that is known to reproduce the published semantics.
    /// </summary>
    public sealed class ReferenceVectorTests
    {
        private static readonly double[][] Common =
        {
            new[] { 1.0, -2.0 }, new[] { 0.5, 0.5 }, new[] { -3.0, 1.0 }, new[] { 0.1, 0.2 }, new[] { 2.0, 2.0 },
        };

        private static RefCritical Critical(int topC, double decay, CriticalBufferStructure structure, AggregationRule rule, KappaUse use = KappaUse.Weight) =>
            new(topC, decay, 1.0, use, CriticalSource.Gradient, true, structure, rule, CriticalFirstStep.Unaggregated, false, false, 0.0, 0);

        [Fact]
        public void CgSgd_7_1()
        {
            var config = new RefConfig { Lr = 0.1, Critical = Critical(2, 0.7, CriticalBufferStructure.Heap, AggregationRule.Sum) };
            Replay(config, new[] { 1.0, 1.0 }, Common,
                new[] { new[] { 0.9, 1.2 }, new[] { 0.75, 1.35 }, new[] { 0.975, 1.325 }, new[] { 1.065, 1.355 }, new[] { 0.965, 1.205 } },
                new[] { new[] { 1.565247584 }, new[] { 0.4949747468, 1.095673309 }, new[] { 0.7669713163, 2.213594362 }, new[] { 0.5368799214, 1.549516053 }, new[] { 1.084661237, 1.979898987 } });
            Replay(config with { Momentum = new RefMomentum(0.9, 0, false, MomentInput.Gradient) }, new[] { 1.0, 1.0 }, Common,
                new[] { new[] { 0.9, 1.2 }, new[] { 0.66, 1.53 }, new[] { 0.669, 1.802 }, new[] { 0.7671, 2.0768 }, new[] { 0.75539, 2.17412 } });
        }

        [Fact]
        public void SyncedPriority_7_2()
        {
            var config = new RefConfig { Lr = 0.1, Critical = Critical(1, 0.5, CriticalBufferStructure.Heap, AggregationRule.Sum) };
            var opt = new ReferenceOptimizer(config, new[] { new RefTensor(new[] { 1.0, 1.0 }, new[] { 2 }), new RefTensor(new[] { 0.5 }, new[] { 1 }) });
            double[][] w = { new[] { 3.0, 4.0 }, new[] { 0.0, 1.0 }, new[] { 6.0, 8.0 } };
            double[][] b = { new[] { 1.0 }, new[] { 5.0 }, new[] { 0.0 } };
            double[][] expectedW = { new[] { 0.7, 0.6 }, new[] { 0.4, 0.1 }, new[] { -0.2, -0.8 } };
            double[][] expectedB = { new[] { 0.4 }, new[] { -0.2 }, new[] { -0.7 } };
            double[] keys = { 3, 3, 5 };
            for (int s = 0; s < 3; s++)
            {
                opt.Step(new[] { w[s], b[s] });
                AssertClose(expectedW[s], opt.Params[0], "w", s);
                AssertClose(expectedB[s], opt.Params[1], "b", s);
                AssertClose(new[] { keys[s] }, opt.Buffer(0)!.Priorities.ToArray(), "keys w", s);
                AssertClose(new[] { keys[s] }, opt.Buffer(1)!.Priorities.ToArray(), "keys b", s);
            }
        }

        [Fact]
        public void CgAdam_7_3_And_Eff_7_4()
        {
            var adam = new RefConfig
            {
                Lr = 0.1,
                FirstMoment = new RefFirstMoment(0.9, MomentInput.Gradient),
                SecondMoment = new RefSecondMoment(0.999, false),
                BiasCorrection = true,
                Epsilon = new RefEpsilon(1e-8, EpsilonPlacement.OutsideSqrt),
                WeightDecay = new RefWeightDecay(0, WeightDecayMode.L2, WeightDecayOrder.AfterCriticalBuffer),
                Critical = Critical(2, 0.7, CriticalBufferStructure.Heap, AggregationRule.Mean, KappaUse.Switch),
            };
            Replay(adam, new[] { 1.0, 1.0 }, Common,
                new[] { new[] { 0.900000001, 1.1 }, new[] { 0.801742494, 1.188875487 }, new[] { 0.7549712987, 1.262341954 }, new[] { 0.7450730771, 1.329246916 }, new[] { 0.7367068228, 1.376793425 } },
                new[] { new[] { 1.565247584 }, new[] { 0.4949747468, 1.095673309 }, new[] { 0.7669713163, 2.213594362 }, new[] { 0.5368799214, 1.549516053 }, new[] { 1.084661237, 1.979898987 } });
            RefConfig eff = adam with { Critical = Critical(2, 0.7, CriticalBufferStructure.Slots, AggregationRule.Sum, KappaUse.Switch) };
            Replay(eff, new[] { 1.0, 1.0 }, Common,
                new[] { new[] { 0.900000001, 1.1 }, new[] { 0.8009192753, 1.198257507 }, new[] { 0.8029139031, 1.267471691 }, new[] { 0.8218017847, 1.330665711 }, new[] { 0.8197919308, 1.348737195 } },
                new[] { new[] { 1.565247584 }, new[] { 1.095673309, 0.4949747468 }, new[] { 0.7669713163, 2.213594362 }, new[] { 0.5368799214, 1.549516053 }, new[] { 1.979898987, 1.084661237 } });
        }

        [Fact]
        public void HeapStaleMinimum_7_5()
        {
            var config = new RefConfig { Lr = 1, Critical = Critical(2, 1.0, CriticalBufferStructure.Heap, AggregationRule.Sum) };
            Replay(config, new[] { 0.0 }, new[] { new[] { 1.0 }, new[] { 5.0 }, new[] { 3.0 }, new[] { 4.0 }, new[] { 0.5 } },
                new[] { new[] { -1.0 }, new[] { -7.0 }, new[] { -13.0 }, new[] { -21.0 }, new[] { -25.5 } },
                new[] { new[] { 1.0 }, new[] { 1.0, 5.0 }, new[] { 5.0, 3.0 }, new[] { 5.0, 3.0 }, new[] { 5.0, 3.0 } });
        }

        [Fact]
        public void AdamCM_7_6()
        {
            var config = new RefConfig
            {
                Lr = 0.1,
                WeightDecay = new RefWeightDecay(0, WeightDecayMode.Decoupled, WeightDecayOrder.BeforeCriticalBuffer),
                FirstMoment = new RefFirstMoment(0.9, MomentInput.Gradient),
                SecondMoment = new RefSecondMoment(0.999, false),
                BiasCorrection = true,
                Epsilon = new RefEpsilon(1e-8, EpsilonPlacement.OutsideSqrt),
                Critical = new RefCritical(2, 0.7, 1.0, KappaUse.Switch, CriticalSource.Momentum, true, CriticalBufferStructure.Slots, AggregationRule.Sum,
                    CriticalFirstStep.NoOp, FeedsSecondMoment: true, SeedWithGradient: true, CriticalTest: 0.0, MaxAge: 0),
            };
            Replay(config, new[] { 1.0, 1.0 }, Common,
                new[] { new[] { 1.0, 1.0 }, new[] { 0.2558631865, 1.744136818 }, new[] { 0.09669772155, 1.994427853 }, new[] { 0.01541442679, 2.194630167 }, new[] { -0.161543004, 2.333195214 } },
                new[] { new[] { 1.565247584 }, new[] { 1.095673309, 0.4949747468 }, new[] { 0.7669713163, 2.213594362 }, new[] { 0.5368799214, 1.549516053 }, new[] { 1.979898987, 1.084661237 } });
        }

        [Fact]
        public void Sm3_7_7_And_7_8()
        {
            double[][] g = { new[] { 0.1, 0.05, 0.02, 0.03 }, new[] { 1.0, -2, 0, 0.5 }, new[] { -0.5, 0, 3, 1 } };
            var sm3 = new RefConfig { Lr = 0.1, Sm3Beta = 0.0, Epsilon = new RefEpsilon(1e-30, EpsilonPlacement.InsideSqrt) };
            Replay(sm3, new[] { 1.0, 1, 1, 1 }, g,
                new[] { new[] { 0.9, 0.9, 0.9, 0.9 }, new[] { 0.800496281, 0.9999687646, 0.9, 0.8001795155 }, new[] { 0.8450398213, 0.9999687646, 0.8013654059, 0.7107689784 } },
                shape: new[] { 2, 2 });
            Replay(sm3 with { FirstMoment = new RefFirstMoment(0.9, MomentInput.Preconditioned) }, new[] { 1.0, 1, 1, 1 }, g,
                new[] { new[] { 0.99, 0.99, 0.99, 0.99 }, new[] { 0.9710496281, 0.9909968765, 0.981, 0.9710179515 }, new[] { 0.9584486474, 0.9918940653, 0.9630365406, 0.9449930542 } },
                shape: new[] { 2, 2 });
            Replay(sm3, new[] { 1.0, 1.0 }, Common.Take(3).ToArray(),
                new[] { new[] { 0.9, 1.1 }, new[] { 0.8552786405, 1.075746437 }, new[] { 0.9489828976, 1.032102859 } });
            Replay(sm3 with { Sm3Beta = 0.5 }, new[] { 1.0, 1, 1, 1 }, g,
                new[] { Enumerable.Repeat(0.8585786438, 4).ToArray(), new[] { 0.7175095206, 0.9999779081, 0.8585786438, 0.7172843952 }, new[] { 0.7990234352, 0.9999779081, 0.7181309987, 0.5839643932 } },
                shape: new[] { 2, 2 });
        }

        [Fact]
        public void CPythonHeapify()
        {
            // heapq.heapify([5, 3, 8, 1, 9, 2]) == [1, 3, 2, 5, 9, 8]; heapify([1, 5, 3]) keeps it; ALGORITHMS.md §1.3's [1, 5, 3] trimmed to [5, 3].
            var x = new List<int> { 5, 3, 8, 1, 9, 2 };
            RefHeapBuffer.Heapify(x, (a, b) => a < b);
            Assert.Equal(new[] { 1, 3, 2, 5, 9, 8 }, x);
            var y = new List<int> { 9, 8, 7, 6, 5, 4, 3, 2, 1 };
            RefHeapBuffer.Heapify(y, (a, b) => a < b);
            Assert.Equal(new[] { 1, 2, 3, 6, 5, 4, 7, 8, 9 }, y);
        }

        private static void Replay(RefConfig config, double[] theta0, double[][] grads, double[][] expected, double[][]? keys = null, int[]? shape = null)
        {
            var opt = new ReferenceOptimizer(config, new[] { new RefTensor(theta0, shape ?? new[] { theta0.Length }) });
            for (int s = 0; s < expected.Length; s++)
            {
                opt.Step(new[] { grads[s] });
                AssertClose(expected[s], opt.Params[0], "θ", s);
                if (keys is not null)
                {
                    AssertClose(keys[s], opt.Buffer(0)!.Priorities.ToArray(), "keys", s);
                }
            }
        }

        private static void AssertClose(double[] expected, double[] actual, string what, int step)
        {
            Assert.True(expected.Length == actual.Length, $"{what} at step {step + 1}: {actual.Length} values, expected {expected.Length}");
            for (int k = 0; k < expected.Length; k++)
            {
                // The vectors are printed with 10 significant digits.
                Assert.True(Math.Abs(expected[k] - actual[k]) <= 1e-9 * Math.Max(1, Math.Abs(expected[k])) + 1e-12,
                    $"{what} at step {step + 1}, element {k}: reference {actual[k]:R}, vector {expected[k]:R}");
            }
        }
    }
}
