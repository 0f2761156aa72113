using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using OptimDsl.Runtime;
using OptimDsl.Tests.Critical;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Fused
{
    /// <summary>
    /// The critical buffer's two ways of deciding and its two ways of doing the element-wise work give one behaviour:
    /// <list type="bullet">
    /// <item>the slot structure's host decisions (a CPU buffer) equal its device-side decisions (forced on the CPU) bit for
    /// bit, over random offers with ties, NaN, infinite and negative priorities, entries with NaN or infinite values (refused
    /// by the non-finite policy), random replacement and maximum age;</item>
    /// <item><see cref="CriticalBuffer.PlanOffer"/> + the fused kernel's arithmetic + <see cref="CriticalBuffer.CompleteOffer"/>
    /// equals <see cref="CriticalBuffer.AggregateAndOffer"/> with tensor operations, for both structures and both sum modes,
    /// non-finite priorities and values included (the fused path is told whether the entry is finite, the tensor path reads
    /// it): same priorities, slots and counts bit for bit, aggregates and sums to float64 rounding.</item>
    /// </list>
    /// </summary>
    public sealed class CriticalDecisionTests
    {
        private const int Steps = 300;

        public static IEnumerable<object[]> SlotCases() =>
            from capacity in new[] { 1, 3 }
            from criticalTest in new[] { 0.0, 0.3 }
            from maxAge in new[] { 0, 4 }
            select new object[] { capacity, criticalTest, maxAge };

        [Theory]
        [MemberData(nameof(SlotCases))]
        public void SlotHostDecisions_EqualDeviceDecisions_BitForBit(int capacity, double criticalTest, int maxAge)
        {
            var random = new Random(capacity * 100 + maxAge + (int)(criticalTest * 10));
            Tensor like = zeros(new long[] { 2, 5 }, dtype: ScalarType.Float32);
            using var host = new CriticalBuffer(like, capacity, CriticalBufferStructure.Slots, seed: 7);
            using var device = new CriticalBuffer(like, capacity, CriticalBufferStructure.Slots, seed: 7) { ForceDeviceDecisions = true };
            for (int step = 0; step < Steps; step++)
            {
                using var scope = NewDisposeScope();
                Tensor x = Entry(randn(new long[] { 2, 5 }, generator: new Generator((ulong)step)), random);
                double priority = Priority(random);
                host.DropOlderThan(maxAge);
                device.DropOlderThan(maxAge);
                if (!host.HasEverReceived)
                {
                    host.Offer(x, priority, criticalTest);
                    device.Offer(x, priority, criticalTest);
                }
                else
                {
                    Tensor a = host.AggregateAndOffer(x, AggregationRule.Mean, 0.8, priority, criticalTest);
                    Tensor b = device.AggregateAndOffer(x, AggregationRule.Mean, 0.8, priority, criticalTest);
                    Assert.True(Bytes(a).SequenceEqual(Bytes(b)), $"step {step}: aggregates differ");
                }

                host.DecayPriorities(0.9);
                device.DecayPriorities(0.9);
                Assert.True(Saved(host).SequenceEqual(Saved(device)), $"step {step}: the saved states differ (priority {priority})");
            }
        }

        public static IEnumerable<object[]> ProtocolCases() =>
            from structure in new[] { CriticalBufferStructure.Heap, CriticalBufferStructure.Slots }
            from sum in new[] { CriticalSum.Running, CriticalSum.Recompute }
            where structure == CriticalBufferStructure.Heap || sum == CriticalSum.Running
            from rule in new[] { AggregationRule.Sum, AggregationRule.Mid, AggregationRule.Mean, AggregationRule.BufferMeanOnly }
            from maxAge in new[] { 0, 3 }
            select new object[] { structure, sum, rule, maxAge };

        [Theory]
        [MemberData(nameof(ProtocolCases))]
        public void PlanOfferAndKernel_EqualTensorOffer(CriticalBufferStructure structure, CriticalSum sum, AggregationRule rule, int maxAge)
        {
            var random = new Random((int)structure * 1000 + (int)sum * 100 + (int)rule * 10 + maxAge);
            Tensor like = zeros(new long[] { 3, 7 }, dtype: ScalarType.Float64);
            using var tensorPath = new CriticalBuffer(like, 3, structure, seed: 1, sum: sum);
            using var fusedPath = new CriticalBuffer(like, 3, structure, seed: 1, sum: sum);
            Assert.True(fusedPath.SupportsFusedKernels);
            double criticalTest = structure == CriticalBufferStructure.Slots ? 0.2 : 0.0;
            for (int step = 0; step < Steps; step++)
            {
                using var scope = NewDisposeScope();
                Tensor x = Entry(randn(new long[] { 3, 7 }, dtype: ScalarType.Float64, generator: new Generator((ulong)(step + 5))), random);
                double priority = Priority(random);
                tensorPath.DropOlderThan(maxAge);
                fusedPath.DropOlderThan(maxAge);
                Tensor expected = tensorPath.HasEverReceived
                    ? tensorPath.AggregateAndOffer(x, rule, 0.7, priority, criticalTest)
                    : Offered(tensorPath, x, priority, criticalTest);

                var operands = default(CriticalKernelOperands);
                fusedPath.PlanOffer(priority, criticalTest, valuesFinite: x.isfinite().all().item<bool>(), ref operands);
                double[] actual = Kernel(x, operands, rule, 0.7);
                fusedPath.CompleteOffer();

                CriticalTestUtil.AssertClose(CriticalTestUtil.Host(expected), actual, 1e-12, $"step {step}: aggregate");
                tensorPath.DecayPriorities(0.8);
                fusedPath.DecayPriorities(0.8);
                CriticalTestUtil.AssertBitEqual(tensorPath.StoredPriorities(), fusedPath.StoredPriorities(), $"step {step}: priorities");
                Assert.Equal(tensorPath.StoredSlots(), fusedPath.StoredSlots());
                Assert.Equal(tensorPath.StoredCount(), fusedPath.StoredCount());
                CriticalTestUtil.AssertClose(CriticalTestUtil.Host(tensorPath.Values), CriticalTestUtil.Host(fusedPath.Values), 1e-12, $"step {step}: values");
                Assert.True(tensorPath.ApproximatelyEquals(fusedPath), $"step {step}: states differ");
            }
        }

        // The first offer: nothing to aggregate, the result is x.
        private static Tensor Offered(CriticalBuffer buffer, Tensor x, double priority, double criticalTest)
        {
            buffer.Offer(x, priority, criticalTest);
            return x;
        }

        /// <summary>The generated kernel's arithmetic for a critical offer of <paramref name="x"/> (Source = Target = x), element by element.</summary>
        private static double[] Kernel(Tensor x, CriticalKernelOperands o, AggregationRule rule, double kappa)
        {
            double[] values = CriticalTestUtil.Host(x);
            var result = new double[values.Length];
            Span<double> sum = FusedMemory.Span<double>(o.Sum, 0, o.Sum == 0 ? 0 : values.Length);
            Span<double> slot = FusedMemory.Span<double>(o.Target, 0, o.Target == 0 ? 0 : values.Length);
            for (int k = 0; k < values.Length; k++)
            {
                double entries = 0;
                if (o.Sum != 0)
                {
                    entries = sum[k];
                }
                else if (o.Aggregates)
                {
                    entries = FusedMemory.Span<double>(o.Entries![0], k, 1)[0];
                    for (int e = 1; e < o.Count; e++)
                    {
                        entries += FusedMemory.Span<double>(o.Entries[e], k, 1)[0];
                    }
                }

                result[k] = !o.Aggregates ? values[k] : rule switch
                {
                    AggregationRule.Sum => values[k] + entries * (1.0 / o.Count) * kappa,
                    AggregationRule.Mid => (values[k] + entries * (1.0 / o.Count) * kappa) * 0.5,
                    AggregationRule.Mean => (values[k] + entries * kappa) * (1.0 / (o.Count + 1)),
                    _ => entries * (1.0 / o.Count),
                };
                if (o.Admits)
                {
                    if (o.Sum != 0)
                    {
                        sum[k] = (o.Replaces ? sum[k] - slot[k] : sum[k]) + values[k];
                    }

                    slot[k] = values[k];
                }
            }

            return result;
        }

        // A random entry, scaled by 1..4, with a NaN or an infinite element now and then (5% each).
        private static Tensor Entry(Tensor x, Random random)
        {
            using (Scalar scale = random.Next(1, 5))
            {
                x.mul_(scale);
            }

            double u = random.NextDouble();
            if (u < 0.1)
            {
                using Scalar poison = u < 0.05 ? double.NaN : double.NegativeInfinity;
                x.view(-1)[random.Next((int)x.numel())].fill_(poison);
            }

            return x;
        }

        // Mostly ordinary priorities, with ties, zeros, and now and then NaN, +inf or a negative value.
        private static double Priority(Random random)
        {
            double u = random.NextDouble();
            return u < 0.03 ? double.NaN : u < 0.05 ? double.PositiveInfinity : u < 0.07 ? -1.0 : u < 0.15 ? 2.0 : u < 0.18 ? 0.0 : 5 * random.NextDouble();
        }

        private static byte[] Bytes(Tensor t) => t.contiguous().bytes.ToArray();

        private static byte[] Saved(CriticalBuffer buffer)
        {
            using var ms = new MemoryStream();
            using (var w = new BinaryWriter(ms))
            {
                buffer.Save(w);
            }

            return ms.ToArray();
        }
    }
}
