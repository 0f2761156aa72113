using System;
using System.Globalization;
using System.Linq;
using OptimDsl.Runtime;
using TorchSharp;
using Xunit;
using static OptimDsl.Tests.Critical.CriticalTestUtil;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Critical
{
    /// <summary>The Heap structure reproduces CPython heapq's list order (ties included) and PriorityDict's trim/filter.</summary>
    public class HeapOrderTests
    {
        /// <summary>Indices into <see cref="HeapReferenceCases.All"/>.</summary>
        public static TheoryData<int> CaseIndices()
        {
            var data = new TheoryData<int>();
            for (int i = 0; i < HeapReferenceCases.All.Length; i++)
            {
                data.Add(i);
            }

            return data;
        }

        [Theory]
        [MemberData(nameof(CaseIndices))]
        public void ListOrder_MatchesCPythonHeapq(int index)
        {
            var c = HeapReferenceCases.All[index];
            var steps = c.Heaps.Split('|');
            Assert.Equal(c.Priorities.Length, steps.Length);
            using var buf = new CriticalBuffer(T(0), c.TopC, CriticalBufferStructure.Heap);
            for (int i = 0; i < c.Priorities.Length; i++)
            {
                using (NewDisposeScope())
                {
                    buf.Offer(T(i + 1), c.Priorities[i]);
                    buf.DecayPriorities(c.Decay);
                }

                var expected = steps[i].Length == 0
                    ? Array.Empty<(double P, int Id)>()
                    : steps[i].Split(',').Select(s =>
                    {
                        var parts = s.Split(':');
                        return (P: double.Parse(parts[0], CultureInfo.InvariantCulture), Id: int.Parse(parts[1], CultureInfo.InvariantCulture));
                    }).ToArray();
                var priorities = buf.StoredPriorities();
                var slots = buf.StoredSlots();
                var values = Host(buf.Values);
                AssertBitEqual(expected.Select(e => e.P).ToArray(), priorities, $"case {index} step {i + 1} priorities");
                var ids = slots.Select(s => (int)values[s]).ToArray();
                Assert.True(expected.Select(e => e.Id).SequenceEqual(ids),
                    $"case {index} step {i + 1}: expected ids [{string.Join(",", expected.Select(e => e.Id))}], got [{string.Join(",", ids)}]");
                Assert.Equal(expected.Length, buf.StoredCount());

                // Slots not referenced by the list are zero.
                for (int s = 0; s < c.TopC; s++)
                {
                    if (!slots.Contains(s))
                    {
                        Assert.Equal(0.0, values[s]);
                    }
                }
            }
        }

        [Fact]
        public void Ties_FollowCPythonHeapify()
        {
            // heapify([1a, 1b]) swaps the tie: [1b, 1a] (_siftup moves the smaller child up, the old root sifts back down
            // and does not beat its equal parent). Then 2c is admitted (2 > 1): heapify([1b, 1a, 2c]) = [1a, 1b, 2c], the
            // trim drops index 0 = a, and c reuses a's slot 0. (CPython: [(1, 20), (2, 30)].)
            using var buf = new CriticalBuffer(T(0), 2, CriticalBufferStructure.Heap);
            buf.Offer(T(10), 1.0);
            buf.Offer(T(20), 1.0);
            Assert.Equal(new[] { 1, 0 }, buf.StoredSlots());
            buf.Offer(T(30), 2.0);
            Assert.Equal(new[] { 1.0, 2.0 }, buf.StoredPriorities());
            Assert.Equal(new[] { 1, 0 }, buf.StoredSlots());
            AssertClose(new[] { 30.0, 20.0 }, Host(buf.Values), 0, "c overwrote a in slot 0; b kept in slot 1");
        }

        [Fact]
        public void NotFull_NaNAndNegativePrioritiesAreFilteredOut_FullRejectsThem()
        {
            using var buf = new CriticalBuffer(T(0), 2, CriticalBufferStructure.Heap);
            buf.Offer(T(1), double.NaN);
            Assert.True(buf.HasEverReceived);
            Assert.Equal(0, buf.StoredCount());
            using (NewDisposeScope())
            {
                var x = T(5);
                AssertBitEqual(x, buf.Aggregate(x, AggregationRule.Mid, 1.0), "empty buffer returns x");
            }

            buf.Offer(T(2), -1.0);
            Assert.Equal(0, buf.StoredCount());
            buf.Offer(T(3), 4.0);
            buf.Offer(T(4), 0.0);
            Assert.Equal(new[] { 0.0, 4.0 }, buf.StoredPriorities());
            buf.Offer(T(5), double.NaN); // full: NaN > 0 is false
            Assert.Equal(new[] { 0.0, 4.0 }, buf.StoredPriorities());
            AssertClose(new[] { 3.0, 4.0 }, Host(buf.Values), 0, "values");
            Assert.Equal(5, buf.StepsSeen);
        }
    }
}
