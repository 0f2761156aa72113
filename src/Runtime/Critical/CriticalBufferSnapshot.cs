using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Linq;
using System.Text;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// What a <see cref="CriticalBuffer"/> holds at one moment, read to the host by <see cref="CriticalBuffer.Snapshot"/>: its
    /// configuration, its counters and one <see cref="CriticalBufferEntry"/> per stored entry. Immutable: later steps do not
    /// change it. The entries' values stay in the buffer; <see cref="CriticalBuffer.ReadEntry"/> copies one out.
    /// </summary>
    public sealed class CriticalBufferSnapshot
    {
        private readonly long[] _entryShape;

        /// <summary>Creates a snapshot; <see cref="CriticalBuffer.Snapshot"/> is the way to get one.</summary>
        /// <param name="structure">The buffer's structure.</param>
        /// <param name="capacity">Its capacity <c>topC</c>.</param>
        /// <param name="entryShape">The shape of one entry (the parameter's shape).</param>
        /// <param name="dtype">The storage dtype of the values.</param>
        /// <param name="stepsSeen">The number of offers so far.</param>
        /// <param name="stateBytes">The bytes of memory the buffer holds.</param>
        /// <param name="entries">The stored entries, in storage order.</param>
        internal CriticalBufferSnapshot(CriticalBufferStructure structure, int capacity, long[] entryShape, ScalarType dtype, long stepsSeen,
            long stateBytes, CriticalBufferEntry[] entries)
        {
            Structure = structure;
            Capacity = capacity;
            _entryShape = (long[])entryShape.Clone();
            Dtype = dtype;
            StepsSeen = stepsSeen;
            StateBytes = stateBytes;
            Entries = new ReadOnlyCollection<CriticalBufferEntry>((CriticalBufferEntry[])entries.Clone());
        }

        /// <summary>The buffer's structure: which published admission and eviction rules it follows.</summary>
        public CriticalBufferStructure Structure { get; }

        /// <summary>The capacity <c>topC</c>: the most entries the buffer can hold.</summary>
        public int Capacity { get; }

        /// <summary>The number of stored entries (<c>Entries.Count</c>), between 0 and <see cref="Capacity"/>.</summary>
        public int Count => Entries.Count;

        /// <summary>The shape of one entry: the parameter's shape.</summary>
        public IReadOnlyList<long> EntryShape => Array.AsReadOnly(_entryShape);

        /// <summary>The dtype the values are stored in (the parameter's, or <c>buffer_dtype</c>).</summary>
        public ScalarType Dtype { get; }

        /// <summary>The number of offers the buffer has received, admitted or not (see <see cref="CriticalBuffer.StepsSeen"/>).</summary>
        public long StepsSeen { get; }

        /// <summary>The bytes of memory the buffer holds (see <see cref="CriticalBuffer.StateBytes"/>).</summary>
        public long StateBytes { get; }

        /// <summary>
        /// The stored entries in <em>storage order</em>. <see cref="CriticalBufferStructure.Heap"/>: the order of the reference's
        /// heap list (CGOptimizer <c>optim.py</c>), which decides admission: a full buffer admits an offer only if its priority
        /// exceeds that of <c>Entries[0]</c> (after a trim, possibly not the smallest one: the reference's stale minimum).
        /// <see cref="CriticalBufferStructure.Slots"/>: increasing <see cref="CriticalBufferEntry.Slot"/>; a full buffer compares
        /// an offer with the smallest priority (the first such slot on ties).
        /// </summary>
        public IReadOnlyList<CriticalBufferEntry> Entries { get; }

        /// <summary>
        /// The stored entries from the highest priority to the lowest; entries of equal priority keep their storage order.
        /// </summary>
        /// <returns>A new list.</returns>
        public IReadOnlyList<CriticalBufferEntry> OrderedByPriority() =>
            Entries.Select((entry, position) => (entry, position))
                .OrderByDescending(e => e.entry.Priority)
                .ThenBy(e => e.position)
                .Select(e => e.entry)
                .ToArray();

        /// <summary>
        /// A few lines of text: the structure, capacity, count, offers and memory, then one line per entry in storage order
        /// (slot, priority, offer that stored it, age).
        /// </summary>
        /// <returns>The text, invariant culture.</returns>
        public override string ToString()
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture,
                $"{Structure} critical buffer: {Count} of {Capacity} entries of shape [{string.Join(", ", _entryShape)}] ({Dtype}), {StepsSeen} offers, {StateBytes} bytes");
            foreach (CriticalBufferEntry e in Entries)
            {
                text.AppendLine();
                text.Append(CultureInfo.InvariantCulture, $"  slot {e.Slot}: priority {e.Priority:R}, stored by offer {e.InsertedAt}, age {e.Age}");
            }

            return text.ToString();
        }
    }
}
