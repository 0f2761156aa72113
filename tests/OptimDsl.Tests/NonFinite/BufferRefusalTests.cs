using System.Collections.Generic;
using System.Linq;
using OptimDsl.Runtime;
using OptimDsl.Tests.Fused;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace OptimDsl.Tests.NonFinite
{
    /// <summary>
    /// The buffers' side of the non-finite policy, offer by offer: an offer with a NaN or infinite priority, or with a NaN or
    /// infinite value and a finite priority, is refused by both structures — while the buffer has room and once it is full,
    /// with tensor operations (host decisions, and the slot structure's device-side decisions forced on the CPU) and with the
    /// fused protocol — leaving the stored values bit for bit, the count unchanged and the running sum finite; the next
    /// finite offer is admitted as usual.
    /// </summary>
    public sealed class BufferRefusalTests
    {
        public static IEnumerable<object[]> Cases() =>
            from structure in new[] { CriticalBufferStructure.Heap, CriticalBufferStructure.Slots }
            from mode in new[] { "host", "device", "fused" }
            where structure == CriticalBufferStructure.Slots || mode != "device"
            from full in new[] { false, true }
            from poison in new[] { "NaN priority", "+inf priority", "NaN value", "-inf value" }
            select new object[] { structure, mode, full, poison };

        [Theory]
        [MemberData(nameof(Cases))]
        public void NonFiniteOffers_AreRefused(CriticalBufferStructure structure, string mode, bool full, string poison)
        {
            using var scope = NewDisposeScope();
            Tensor like = zeros(new long[] { 2, 3 });
            using var buffer = new CriticalBuffer(like, 3, structure) { ForceDeviceDecisions = mode == "device" };
            int admitted = full ? 3 : 1;
            for (int i = 0; i < admitted; i++)
            {
                Offer(buffer, mode, Entry(i), 1.0 + i);
            }

            Assert.Equal(admitted, buffer.StoredCount());
            Tensor before = buffer.Values.clone();
            double[] priorities = buffer.StoredPriorities();

            // A finite priority large enough to be admitted into a full buffer, unless something is not finite.
            Tensor x = Entry(7);
            double priority = 100.0;
            switch (poison)
            {
                case "NaN priority":
                    priority = double.NaN;
                    break;
                case "+inf priority":
                    priority = double.PositiveInfinity;
                    break;
                case "NaN value":
                    Poison(x, double.NaN);
                    break;
                default:
                    Poison(x, double.NegativeInfinity);
                    break;
            }

            Offer(buffer, mode, x, priority);
            string where = $"{structure}, {mode}, {(full ? "full" : "with room")}, {poison}";
            Assert.True(FusedDispatchTests.BitEqual(before, buffer.Values), where + ": the refused offer changed the stored values");
            Assert.Equal(admitted, buffer.StoredCount());
            Assert.Equal(priorities.OrderBy(p => p), buffer.StoredPriorities().OrderBy(p => p));
            NonFinitePolicyTests.AssertFiniteBuffer(buffer, where);

            // The buffer still works: a finite offer with a winning priority enters.
            Offer(buffer, mode, Entry(8), 1000.0);
            Assert.Contains(1000.0, buffer.StoredPriorities());
            NonFinitePolicyTests.AssertFiniteBuffer(buffer, where + ", then a finite offer");
        }

        private static Tensor Entry(int seed) => randn(new long[] { 2, 3 }, generator: new Generator((ulong)(seed + 1)));

        private static void Poison(Tensor x, double value)
        {
            using Scalar poison = value;
            x.view(-1)[4].fill_(poison);
        }

        // One offer by the chosen path: tensor operations (host or device decisions) or PlanOffer + the kernel's writes.
        private static void Offer(CriticalBuffer buffer, string mode, Tensor x, double priority)
        {
            if (mode != "fused")
            {
                buffer.Offer(x, priority);
                return;
            }

            var operands = default(CriticalKernelOperands);
            buffer.PlanOffer(priority, 0.0, valuesFinite: x.isfinite().all().item<bool>(), ref operands);
            if (operands.Admits)
            {
                float[] values = x.data<float>().ToArray();
                var sum = FusedMemory.Span<float>(operands.Sum, 0, values.Length);
                var slot = FusedMemory.Span<float>(operands.Target, 0, values.Length);
                for (int k = 0; k < values.Length; k++)
                {
                    if (operands.Sum != 0)
                    {
                        sum[k] = (operands.Replaces ? sum[k] - slot[k] : sum[k]) + values[k];
                    }

                    slot[k] = values[k];
                }
            }

            buffer.CompleteOffer();
        }
    }
}
