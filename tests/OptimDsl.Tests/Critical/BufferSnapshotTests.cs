using System;
using System.Collections.Generic;
using System.Linq;
using OptimDsl.Runtime;
using TorchSharp;
using Xunit;
using static OptimDsl.Tests.Critical.CriticalTestUtil;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Critical
{
    /// <summary>
    /// The inspection API of a critical buffer, on the buffer itself: <see cref="CriticalBuffer.Snapshot"/> reports the
    /// entries in the documented order with the priorities, offers and ages the buffer holds, <see cref="CriticalBuffer.ReadEntry"/>
    /// returns a copy of exactly the stored values, and neither changes when the buffer does.
    /// </summary>
    public sealed class BufferSnapshotTests
    {
        private const double Decay = 0.5; // exact in binary: priorities are checked with ==

        public static TheoryData<CriticalBufferStructure, bool> Structures() => new()
        {
            { CriticalBufferStructure.Heap, false },
            { CriticalBufferStructure.Slots, false },
            { CriticalBufferStructure.Slots, true }, // the slot structure's device-side decisions, forced on the CPU
        };

        // Offers 3, 1, 2, 5 into a buffer of 3, decaying by 0.5 after each (worked out by hand in the comments below).
        private static CriticalBuffer FourOffers(CriticalBufferStructure structure, bool deviceDecisions)
        {
            var buffer = new CriticalBuffer(zeros(new long[] { 2 }, dtype: ScalarType.Float64), 3, structure) { ForceDeviceDecisions = deviceDecisions };
            double[] priorities = { 3, 1, 2, 5 };
            for (int k = 1; k <= priorities.Length; k++)
            {
                using Tensor priority = T(priorities[k - 1]);
                buffer.Offer(Entry(k), priority);
                buffer.DecayPriorities(Decay);
            }

            return buffer;
        }

        // The entry offered by offer k.
        private static Tensor Entry(int k) => T(k, -10.0 * k);

        [Theory]
        [MemberData(nameof(Structures))]
        public void Snapshot_ReportsTheStoredEntriesInStorageOrder(CriticalBufferStructure structure, bool deviceDecisions)
        {
            using var scope = NewDisposeScope();
            using CriticalBuffer buffer = FourOffers(structure, deviceDecisions);

            CriticalBufferSnapshot snapshot = buffer.Snapshot();

            Assert.Equal(structure, snapshot.Structure);
            Assert.Equal(3, snapshot.Capacity);
            Assert.Equal(3, snapshot.Count);
            Assert.Equal(4, snapshot.StepsSeen);
            Assert.Equal(new long[] { 2 }, snapshot.EntryShape);
            Assert.Equal(ScalarType.Float64, snapshot.Dtype);
            Assert.Equal(buffer.StateBytes, snapshot.StateBytes);

            // Offer 4 (priority 5) evicted offer 2 (priority 1, decayed to 0.25) from slot 1. Priorities now: offer 1:
            // 3·0.5⁴, offer 3: 2·0.5², offer 4: 5·0.5. A heap keeps the reference's list order ([0.375, 1, 5] after the trim,
            // i.e. slots 0, 2, 1); slots are in slot order.
            var expected = structure == CriticalBufferStructure.Heap
                ? new[] { new CriticalBufferEntry(0, 0.1875, 1, 3), new CriticalBufferEntry(2, 0.5, 3, 1), new CriticalBufferEntry(1, 2.5, 4, 0) }
                : new[] { new CriticalBufferEntry(0, 0.1875, 1, 3), new CriticalBufferEntry(1, 2.5, 4, 0), new CriticalBufferEntry(2, 0.5, 3, 1) };
            Assert.Equal(expected, snapshot.Entries);

            // Highest priority first, whatever the structure.
            Assert.Equal(new long[] { 4, 3, 1 }, snapshot.OrderedByPriority().Select(e => e.InsertedAt));
        }

        [Theory]
        [MemberData(nameof(Structures))]
        public void ReadEntry_ReturnsTheValuesStoredByTheEntrysOffer(CriticalBufferStructure structure, bool deviceDecisions)
        {
            using var scope = NewDisposeScope();
            using CriticalBuffer buffer = FourOffers(structure, deviceDecisions);

            foreach (CriticalBufferEntry entry in buffer.Snapshot().Entries)
            {
                Tensor values = buffer.ReadEntry(entry.Slot);
                AssertBitEqual(Entry(checked((int)entry.InsertedAt)), values, $"slot {entry.Slot}");
                AssertBitEqual(buffer.Values[entry.Slot], values, $"slot {entry.Slot} against Values");
            }
        }

        [Theory]
        [MemberData(nameof(Structures))]
        public void SnapshotAndEntry_AreCopies(CriticalBufferStructure structure, bool deviceDecisions)
        {
            using var scope = NewDisposeScope();
            using CriticalBuffer buffer = FourOffers(structure, deviceDecisions);
            CriticalBufferSnapshot before = buffer.Snapshot();
            CriticalBufferEntry newest = before.OrderedByPriority()[0];
            Tensor values = buffer.ReadEntry(newest.Slot);

            // Changing the copy leaves the buffer alone.
            using Scalar ninetyNine = 99.0;
            values.fill_(ninetyNine);
            AssertBitEqual(Entry(4), buffer.ReadEntry(newest.Slot), "stored values after the copy changed");

            // More offers (each evicts the smallest) leave the snapshot and the earlier copy alone.
            Tensor copy = buffer.ReadEntry(newest.Slot);
            for (int k = 5; k <= 8; k++)
            {
                using Tensor priority = T(100.0 * k);
                buffer.Offer(Entry(k), priority);
                buffer.DecayPriorities(Decay);
            }

            Assert.Equal(4, before.StepsSeen);
            Assert.Equal(3, before.Count);
            Assert.Contains(before.Entries, e => e.InsertedAt == 4);
            Assert.DoesNotContain(buffer.Snapshot().Entries, e => e.InsertedAt <= 4);
            AssertBitEqual(Entry(4), copy, "copy after later offers");
        }

        [Theory]
        [InlineData(CriticalBufferStructure.Heap)]
        [InlineData(CriticalBufferStructure.Slots)]
        public void EmptyBuffer_HasAnEmptySnapshot_AndNoEntryToRead(CriticalBufferStructure structure)
        {
            using var scope = NewDisposeScope();
            using var buffer = new CriticalBuffer(zeros(new long[] { 2, 3 }), 4, structure);

            CriticalBufferSnapshot snapshot = buffer.Snapshot();

            Assert.Equal(0, snapshot.Count);
            Assert.Empty(snapshot.Entries);
            Assert.Equal(0, snapshot.StepsSeen);
            Assert.Equal(new long[] { 2, 3 }, snapshot.EntryShape);
            var e = Assert.Throws<ArgumentException>(() => buffer.ReadEntry(0));
            Assert.Equal("slot", e.ParamName);
            Assert.Contains("Slot 0 holds no entry; the slots that hold one are [].", e.Message);
        }

        [Theory]
        [InlineData(CriticalBufferStructure.Heap, -1)]
        [InlineData(CriticalBufferStructure.Heap, 3)]
        [InlineData(CriticalBufferStructure.Slots, -1)]
        [InlineData(CriticalBufferStructure.Slots, 3)]
        public void ReadEntry_RejectsASlotOutsideTheBuffer(CriticalBufferStructure structure, int slot)
        {
            using var scope = NewDisposeScope();
            using CriticalBuffer buffer = FourOffers(structure, deviceDecisions: false);

            var e = Assert.Throws<ArgumentOutOfRangeException>(() => buffer.ReadEntry(slot));

            Assert.Equal("slot", e.ParamName);
            Assert.Contains("between 0 and 2", e.Message);
        }

        [Theory]
        [InlineData(CriticalBufferStructure.Heap)]
        [InlineData(CriticalBufferStructure.Slots)]
        public void ReadEntry_RejectsAFreeSlot_NamingTheOccupiedOnes(CriticalBufferStructure structure)
        {
            using var scope = NewDisposeScope();
            using var buffer = new CriticalBuffer(zeros(new long[] { 2 }, dtype: ScalarType.Float64), 3, structure);
            buffer.Offer(Entry(1), 1.0);
            buffer.Offer(Entry(2), 2.0);

            var e = Assert.Throws<ArgumentException>(() => buffer.ReadEntry(2));

            Assert.Equal("slot", e.ParamName);
            Assert.Contains("Slot 2 holds no entry; the slots that hold one are [0, 1].", e.Message);
        }

        [Theory]
        [MemberData(nameof(Structures))]
        public void Ages_MatchTheMaximumAgeRule(CriticalBufferStructure structure, bool deviceDecisions)
        {
            // With max_age = D, the next step drops the entries whose age is D or more (CriticalBufferEntry.Age's documentation).
            const int maxAge = 2;
            using var scope = NewDisposeScope();
            using var buffer = new CriticalBuffer(zeros(new long[] { 2 }, dtype: ScalarType.Float64), 5, structure) { ForceDeviceDecisions = deviceDecisions };
            for (int k = 1; k <= 8; k++)
            {
                CriticalBufferSnapshot before = buffer.Snapshot();
                buffer.DropOlderThan(maxAge);
                CriticalBufferSnapshot after = buffer.Snapshot();
                Assert.Equal(before.Entries.Where(e => e.Age < maxAge).Select(e => e.InsertedAt).OrderBy(i => i),
                    after.Entries.Select(e => e.InsertedAt).OrderBy(i => i));

                buffer.Offer(Entry(k), k);
                buffer.DecayPriorities(1.0);
                Assert.All(buffer.Snapshot().Entries, e => Assert.Equal(k - e.InsertedAt, e.Age));
            }

            // Between steps the entries of the last D + 1 offers are stored (ages 0 to D); the next step drops the oldest first.
            Assert.Equal(new long[] { 6, 7, 8 }, buffer.Snapshot().Entries.Select(e => e.InsertedAt).OrderBy(i => i));
        }

        [Fact]
        public void ReducedPrecisionStorage_IsReportedAndCopiedInItsDtype()
        {
            using var scope = NewDisposeScope();
            using var buffer = new CriticalBuffer(zeros(new long[] { 3 }), 2, CriticalBufferStructure.Slots, ScalarType.BFloat16);
            using (Tensor priority = tensor(1.5f))
            {
                buffer.Offer(tensor(new[] { 1f, 2f, 3f }), priority);
            }

            CriticalBufferSnapshot snapshot = buffer.Snapshot();
            Tensor values = buffer.ReadEntry(snapshot.Entries.Single().Slot);

            Assert.Equal(ScalarType.BFloat16, snapshot.Dtype);
            Assert.Equal(ScalarType.BFloat16, values.dtype);
            Assert.Equal(1.5, snapshot.Entries.Single().Priority);
            AssertClose(new[] { 1.0, 2.0, 3.0 }, values, 0, "bfloat16 entry");
        }

        [Fact]
        public void ToString_ListsTheEntries()
        {
            using var scope = NewDisposeScope();
            using CriticalBuffer buffer = FourOffers(CriticalBufferStructure.Slots, deviceDecisions: false);

            string text = buffer.Snapshot().ToString();

            Assert.StartsWith("Slots critical buffer: 3 of 3 entries of shape [2] (Float64), 4 offers, ", text);
            Assert.Contains("slot 1: priority 2.5, stored by offer 4, age 0", text);
            Assert.Equal(4, text.Split('\n').Length);
        }

        [Fact]
        public void DisposedBuffer_CannotBeInspected()
        {
            var buffer = new CriticalBuffer(zeros(new long[] { 2 }), 2, CriticalBufferStructure.Heap);
            buffer.Dispose();

            Assert.Throws<ObjectDisposedException>(() => buffer.Snapshot());
            Assert.Throws<ObjectDisposedException>(() => buffer.ReadEntry(0));
        }
    }
}
