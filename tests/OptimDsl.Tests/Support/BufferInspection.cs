using System.Linq;
using OptimDsl.Runtime;

namespace OptimDsl.Tests
{
    /// <summary>
    /// Short forms of <see cref="CriticalBuffer.Snapshot"/> for assertions: each takes one snapshot and returns one of its
    /// columns, in storage order (heap-list order for a heap, slot order for slots).
    /// </summary>
    internal static class BufferInspection
    {
        /// <summary>The stored entries' priorities, in storage order.</summary>
        public static double[] StoredPriorities(this CriticalBuffer buffer) =>
            buffer.Snapshot().Entries.Select(e => e.Priority).ToArray();

        /// <summary>The stored entries' slots (rows of <see cref="CriticalBuffer.Values"/>), in storage order.</summary>
        public static int[] StoredSlots(this CriticalBuffer buffer) =>
            buffer.Snapshot().Entries.Select(e => e.Slot).ToArray();

        /// <summary>The number of stored entries.</summary>
        public static int StoredCount(this CriticalBuffer buffer) => buffer.Snapshot().Count;
    }
}
