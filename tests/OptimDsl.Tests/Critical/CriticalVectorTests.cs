using System;
using System.Collections.Generic;
using OptimDsl.Runtime;
using TorchSharp;
using Xunit;
using static OptimDsl.Tests.Critical.CriticalTestUtil;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Critical
{
    /// <summary>
    /// The hand-checkable vectors of ALGORITHMS.md section 7, reproduced at the buffer level: the optimizer
    /// update is simulated with plain tensor ops, every step runs inside a dispose scope (as the generated step does) and the
    /// buffer is created inside the first step's scope.
    /// </summary>
    public class CriticalVectorTests
    {
        private static readonly double[][] CommonGrads =
        {
            new[] { 1.0, -2.0 }, new[] { 0.5, 0.5 }, new[] { -3.0, 1.0 }, new[] { 0.1, 0.2 }, new[] { 2.0, 2.0 },
        };

        /// <summary>Priority of one tensor, through the public helper matching the structure (synced, one tensor).</summary>
        private static void OfferWithPriority(CriticalBuffer buf, Tensor g, Tensor x, bool onDevice)
        {
            if (onDevice)
            {
                var p = CriticalPriority.OnDevice(new Tensor?[] { g }, synced: true)[0]!;
                buf.Offer(x, p);
            }
            else
            {
                buf.Offer(x, CriticalPriority.OnHost(new Tensor?[] { g }, synced: true)[0]);
            }
        }

        // ---------------- 7.1 SGD_C lr=0.1 topC=2 decay=0.7 aggr='sum' kappa=1 ----------------

        private static readonly double[][] Theta71 =
        {
            new[] { 0.9, 1.2 }, new[] { 0.75, 1.35 }, new[] { 0.975, 1.325 }, new[] { 1.065, 1.355 }, new[] { 0.965, 1.205 },
        };

        private static readonly double[][] Theta71Momentum =
        {
            new[] { 0.9, 1.2 }, new[] { 0.66, 1.53 }, new[] { 0.669, 1.802 }, new[] { 0.7671, 2.0768 }, new[] { 0.75539, 2.17412 },
        };

        private static readonly double[][] HeapKeys71 =
        {
            new[] { 1.565247584 }, new[] { 0.4949747468, 1.095673309 }, new[] { 0.7669713163, 2.213594362 },
            new[] { 0.5368799214, 1.549516053 }, new[] { 1.084661237, 1.979898987 },
        };

        // Slot order (7.1 text for steps 2 and 5; 7.4's key column for the same priorities at steps 3 and 4).
        private static readonly double[][] SlotKeys71 =
        {
            new[] { 1.565247584 }, new[] { 1.095673309, 0.4949747468 }, new[] { 0.7669713163, 2.213594362 },
            new[] { 0.5368799214, 1.549516053 }, new[] { 1.979898987, 1.084661237 },
        };

        [Theory]
        [InlineData(CriticalBufferStructure.Heap, 0.0)]
        [InlineData(CriticalBufferStructure.Heap, 0.9)]
        [InlineData(CriticalBufferStructure.Slots, 0.0)]
        [InlineData(CriticalBufferStructure.Slots, 0.9)]
        public void Vector_7_1_SgdC(CriticalBufferStructure structure, double momentum)
        {
            var theta = T(1, 1);
            CriticalBuffer? buf = null;
            Tensor? mb = null;
            for (int step = 0; step < 5; step++)
            {
                using (var scope = NewDisposeScope())
                {
                    var g = T(CommonGrads[step]);
                    buf ??= new CriticalBuffer(theta, 2, structure);
                    Tensor d;
                    if (!buf.HasEverReceived)
                    {
                        OfferWithPriority(buf, g, g, structure == CriticalBufferStructure.Slots);
                        d = g;
                    }
                    else
                    {
                        d = buf.Aggregate(g, AggregationRule.Sum, 1.0);
                        OfferWithPriority(buf, g, g, structure == CriticalBufferStructure.Slots);
                    }

                    buf.DecayPriorities(0.7);
                    if (momentum != 0)
                    {
                        if (mb is null)
                        {
                            mb = d.clone().DetachFromDisposeScope();
                        }
                        else
                        {
                            using Scalar momentumScalar = momentum;
                            mb.mul_(momentumScalar).add_(d, Scalars.One);
                        }

                        d = mb;
                    }

                    using Scalar lr = 0.1;
                    theta.sub_(d.mul(lr));
                }

                AssertClose(momentum == 0 ? Theta71[step] : Theta71Momentum[step], theta, what: $"theta step {step + 1}");
                var keys = structure == CriticalBufferStructure.Heap ? HeapKeys71[step] : SlotKeys71[step];
                AssertClose(keys, buf!.StoredPriorities(), what: $"keys step {step + 1}");
                Assert.Equal(step + 1, buf.StepsSeen);
            }

            buf!.Dispose();
        }

        // ---------------- 7.2 synced priority = sum of per-tensor norms ----------------

        [Theory]
        [InlineData(CriticalBufferStructure.Heap)]
        [InlineData(CriticalBufferStructure.Slots)]
        public void Vector_7_2_SyncedSumOfNorms(CriticalBufferStructure structure)
        {
            var w = T(1, 1);
            var b = T(0.5);
            var gw = new[] { new[] { 3.0, 4.0 }, new[] { 0.0, 1.0 }, new[] { 6.0, 8.0 } };
            var gb = new[] { new[] { 1.0 }, new[] { 5.0 }, new[] { 0.0 } };
            var expectedW = new[] { new[] { 0.7, 0.6 }, new[] { 0.4, 0.1 }, new[] { -0.2, -0.8 } };
            var expectedB = new[] { new[] { 0.4 }, new[] { -0.2 }, new[] { -0.7 } };
            var expectedKeys = new[] { 3.0, 3.0, 5.0 };
            var expectedPriority = new[] { 6.0, 6.0, 10.0 };
            using var bw = new CriticalBuffer(w, 1, structure);
            using var bb = new CriticalBuffer(b, 1, structure);
            var pars = new[] { w, b };
            var bufs = new[] { bw, bb };
            for (int step = 0; step < 3; step++)
            {
                using (NewDisposeScope())
                {
                    var grads = new Tensor?[] { T(gw[step]), T(gb[step]) };
                    double[] host = CriticalPriority.OnHost(grads, synced: true);
                    Tensor?[] dev = CriticalPriority.OnDevice(grads, synced: true);
                    AssertClose(new[] { expectedPriority[step], expectedPriority[step] }, host, 1e-12, "OnHost");
                    AssertClose(new[] { expectedPriority[step] }, dev[0]!, 1e-12, "OnDevice");
                    AssertClose(new[] { expectedPriority[step] }, dev[1]!, 1e-12, "OnDevice");
                    for (int i = 0; i < 2; i++)
                    {
                        var g = grads[i]!;
                        Tensor d = g;
                        if (bufs[i].HasEverReceived)
                        {
                            d = bufs[i].Aggregate(g, AggregationRule.Sum, 1.0);
                        }

                        if (structure == CriticalBufferStructure.Heap)
                        {
                            bufs[i].Offer(g, host[i]);
                        }
                        else
                        {
                            bufs[i].Offer(g, dev[i]!);
                        }

                        bufs[i].DecayPriorities(0.5);
                        using Scalar lr = 0.1;
                        pars[i].sub_(d.mul(lr));
                    }
                }

                AssertClose(expectedW[step], w, what: $"w step {step + 1}");
                AssertClose(expectedB[step], b, what: $"b step {step + 1}");
                AssertClose(new[] { expectedKeys[step] }, bw.StoredPriorities(), what: "keys w");
                AssertClose(new[] { expectedKeys[step] }, bb.StoredPriorities(), what: "keys b");
            }
        }

        [Fact]
        public void Priorities_NotSynced_AndMissingGradients()
        {
            var grads = new Tensor?[] { T(3, 4), null, T(1), T(0, 0) };
            var host = CriticalPriority.OnHost(grads, synced: false);
            AssertClose(new[] { 5.0, double.NaN, 1.0, 0.0 }, host, 1e-12, "unsynced host");
            var dev = CriticalPriority.OnDevice(grads, synced: false);
            Assert.Null(dev[1]);
            AssertClose(new[] { 5.0 }, dev[0]!, 1e-12);
            AssertClose(new[] { 1.0 }, dev[2]!, 1e-12);
            Assert.Empty(dev[0]!.shape);

            var synced = CriticalPriority.OnHost(grads, synced: true);
            AssertClose(new[] { 6.0, double.NaN, 6.0, 6.0 }, synced, 1e-12, "synced host");
            var syncedDev = CriticalPriority.OnDevice(grads, synced: true);
            Assert.Null(syncedDev[1]);
            AssertClose(new[] { 6.0 }, syncedDev[0]!, 1e-12, "synced device");
            AssertClose(new[] { 6.0 }, syncedDev[3]!, 1e-12, "synced device");

            Assert.All(CriticalPriority.OnHost(new Tensor?[] { null, null }, synced: true), v => Assert.True(double.IsNaN(v)));
            Assert.Empty(CriticalPriority.OnHost(Array.Empty<Tensor?>(), synced: false));
        }

        // ---------------- 7.3 / 7.4: CG-Adam (Heap + 'mean') and CG-Adam _eff (Slots, g + mean(B)) ----------------

        [Theory]
        [InlineData(CriticalBufferStructure.Heap)]
        [InlineData(CriticalBufferStructure.Slots)]
        public void Vector_7_3_and_7_4_AdamC(CriticalBufferStructure structure)
        {
            bool heap = structure == CriticalBufferStructure.Heap;
            var rule = heap ? AggregationRule.Mean : AggregationRule.Sum;
            var expectedTheta = heap
                ? new[]
                {
                    new[] { 0.900000001, 1.1 }, new[] { 0.801742494, 1.188875487 }, new[] { 0.7549712987, 1.262341954 },
                    new[] { 0.7450730771, 1.329246916 }, new[] { 0.7367068228, 1.376793425 },
                }
                : new[]
                {
                    new[] { 0.900000001, 1.1 }, new[] { 0.8009192753, 1.198257507 }, new[] { 0.8029139031, 1.267471691 },
                    new[] { 0.8218017847, 1.330665711 }, new[] { 0.8197919308, 1.348737195 },
                };
            var expectedKeys = heap ? HeapKeys71 : new[]
            {
                new[] { 1.565247584 }, new[] { 1.095673309, 0.4949747468 }, new[] { 0.7669713163, 2.213594362 },
                new[] { 0.5368799214, 1.549516053 }, new[] { 1.979898987, 1.084661237 },
            };

            var theta = T(1, 1);
            var m = zeros_like(theta);
            var v = zeros_like(theta);
            using var buf = new CriticalBuffer(theta, 2, structure);
            for (int step = 1; step <= 5; step++)
            {
                using (NewDisposeScope())
                {
                    var g = T(CommonGrads[step - 1]);
                    Tensor u = g;
                    if (buf.HasEverReceived)
                    {
                        u = buf.Aggregate(g, rule, 1.0);
                    }

                    OfferWithPriority(buf, g, g, !heap);
                    AdamStep(theta, m, v, u, step, lr: 0.1);
                    buf.DecayPriorities(0.7);
                }

                AssertClose(expectedTheta[step - 1], theta, what: $"theta step {step}");
                AssertClose(expectedKeys[step - 1], buf.StoredPriorities(), what: $"keys step {step}");
            }
        }

        private static void AdamStep(Tensor theta, Tensor m, Tensor v, Tensor g, int step, double lr)
        {
            const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
            using Scalar b1Scalar = b1, oneMinusB1 = 1 - b1, b2Scalar = b2, oneMinusB2 = 1 - b2, epsScalar = eps;
            m.mul_(b1Scalar).add_(g, alpha: oneMinusB1);
            v.mul_(b2Scalar).addcmul_(g, g, value: oneMinusB2);
            double bc1 = 1 - Math.Pow(b1, step);
            double bc2 = 1 - Math.Pow(b2, step);
            using Scalar sqrtBc2 = Math.Sqrt(bc2), stepSize = -lr / bc1;
            var denom = v.sqrt().div(sqrtBc2).add_(epsScalar, Scalars.One);
            theta.addcdiv_(m, denom, value: stepSize);
        }

        // ---------------- 7.5 the PriorityDict trim quirk ----------------

        [Theory]
        [InlineData(CriticalBufferStructure.Heap)]
        [InlineData(CriticalBufferStructure.Slots)]
        public void Vector_7_5_StaleMinimum(CriticalBufferStructure structure)
        {
            bool heap = structure == CriticalBufferStructure.Heap;
            var gs = new[] { 1.0, 5.0, 3.0, 4.0, 0.5 };
            // Heap = reference column (4 rejected against the stale minimum 5); Slots = true-minimum column (4 admitted).
            var keys = heap
                ? new[] { new[] { 1.0 }, new[] { 1.0, 5.0 }, new[] { 5.0, 3.0 }, new[] { 5.0, 3.0 }, new[] { 5.0, 3.0 } }
                : new[] { new[] { 1.0 }, new[] { 1.0, 5.0 }, new[] { 3.0, 5.0 }, new[] { 4.0, 5.0 }, new[] { 4.0, 5.0 } };
            var thetas = heap ? new[] { -1.0, -7.0, -13.0, -21.0, -25.5 } : new[] { -1.0, -7.0, -13.0, -21.0, -26.0 };
            var theta = T(0);
            using var buf = new CriticalBuffer(theta, 2, structure);
            for (int i = 0; i < gs.Length; i++)
            {
                using (NewDisposeScope())
                {
                    var g = T(gs[i]);
                    var d = buf.HasEverReceived ? buf.Aggregate(g, AggregationRule.Sum, 1.0) : g;
                    OfferWithPriority(buf, g, g, !heap);
                    buf.DecayPriorities(1.0);
                    theta.sub_(d);
                }

                AssertClose(keys[i], buf.StoredPriorities(), 1e-12, $"keys after g={gs[i]}");
                AssertClose(new[] { thetas[i] }, theta, 1e-12, $"theta after g={gs[i]}");
            }

            // The stored values themselves: Heap keeps {5, 3} (heap order); Slots keep {4, 5} (slot 0: 1 -> 3 -> 4), the same set
            // as the true-minimum column of 7.5.
            var stored = new List<double>();
            foreach (var slot in buf.StoredSlots())
            {
                stored.Add(Host(buf.Values[slot])[0]);
            }

            AssertClose(heap ? new[] { 5.0, 3.0 } : new[] { 4.0, 5.0 }, stored.ToArray(), 1e-12, "stored values");
        }

        // ---------------- 7.6 Adam+CM ----------------

        [Fact]
        public void Vector_7_6_AdamCM()
        {
            var expectedTheta = new[]
            {
                new[] { 1.0, 1.0 }, new[] { 0.2558631865, 1.744136818 }, new[] { 0.09669772155, 1.994427853 },
                new[] { 0.01541442679, 2.194630167 }, new[] { -0.161543004, 2.333195214 },
            };
            var expectedM = new[] { new[] { 0.0, 0.0 }, new[] { 0.05, 0.05 }, new[] { -0.255, 0.145 }, new[] { -0.2195, 0.1505 }, new[] { 0.00245, 0.33545 } };
            var expectedV = new[]
            {
                new[] { 0.0, 0.0 }, new[] { 0.0011025, 0.0038025 }, new[] { 0.0011742975, 0.0044875975 },
                new[] { 0.001196532203, 0.005086838903 }, new[] { 0.001335923173, 0.005432275266 },
            };
            var expectedKeys = new[]
            {
                new[] { 1.565247584 }, new[] { 1.095673309, 0.4949747468 }, new[] { 0.7669713163, 2.213594362 },
                new[] { 0.5368799214, 1.549516053 }, new[] { 1.979898987, 1.084661237 },
            };
            const double b1 = 0.9, b2 = 0.999, eps = 1e-8, lr = 0.1;
            var theta = T(1, 1);
            var m = zeros_like(theta);
            var v = zeros_like(theta);
            using var buf = new CriticalBuffer(theta, 2, CriticalBufferStructure.Slots);
            int stepCount = 0;
            for (int i = 0; i < 5; i++)
            {
                using (NewDisposeScope())
                {
                    var g = T(CommonGrads[i]);
                    var p = CriticalPriority.OnDevice(new Tensor?[] { g }, synced: true)[0]!;
                    Tensor u;
                    if (!buf.HasEverReceived)
                    {
                        u = m;                      // = 0: the first step only seeds the buffer
                        buf.Offer(g, p);            // with the raw gradient
                    }
                    else
                    {
                        using Scalar b1Scalar = b1, oneMinusB1 = 1 - b1;
                        m.mul_(b1Scalar).add_(g, alpha: oneMinusB1);
                        u = buf.Aggregate(m, AggregationRule.Sum, 1.0);
                        buf.Offer(m, p);            // stores a copy of the momentum
                    }

                    stepCount++;
                    double bc1 = 1 - Math.Pow(b1, stepCount);
                    double bc2 = 1 - Math.Pow(b2, stepCount);
                    using Scalar b2Scalar = b2, oneMinusB2 = 1 - b2, sqrtBc2 = Math.Sqrt(bc2), epsScalar = eps, stepSize = -lr / bc1;
                    v.mul_(b2Scalar).addcmul_(u, u, value: oneMinusB2);
                    var denom = v.sqrt().div(sqrtBc2).add_(epsScalar, Scalars.One);
                    buf.DecayPriorities(0.7);
                    theta.addcdiv_(u, denom, value: stepSize);
                }

                AssertClose(expectedTheta[i], theta, what: $"theta step {i + 1}");
                AssertClose(expectedM[i], m, what: $"m step {i + 1}");
                AssertClose(expectedV[i], v, what: $"v step {i + 1}");
                AssertClose(expectedKeys[i], buf.StoredPriorities(), what: $"keys step {i + 1}");
            }

            // Step 5 evicted slot 0 (the raw g1) for m5; slot 1 holds m3.
            AssertClose(new[] { 0.00245, 0.33545 }, buf.Values[0], what: "slot 0 = m5");
            AssertClose(new[] { -0.255, 0.145 }, buf.Values[1], what: "slot 1 = m3");
        }
    }
}
