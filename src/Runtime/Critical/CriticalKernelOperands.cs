namespace OptimDsl.Runtime
{
    /// <summary>
    /// What a fused kernel needs of one critical buffer for one step, decided on the host by
    /// <see cref="CriticalBuffer.PlanOffer"/> before the kernel runs: the memory of the running sum and of the slot that
    /// receives the offered entry, and how many entries the aggregation sees. The kernel then, per element,
    /// aggregates <c>x</c> with <c>Sum</c> (or, with <see cref="CriticalSum.Recompute"/>, with the sum of <see cref="Entries"/>
    /// in list order) when <see cref="Aggregates"/>, and, when <see cref="Admits"/>, writes <c>Sum ← (Sum − slot) + x</c>
    /// (the old slot only when <see cref="Replaces"/>) and <c>slot ← x</c>.
    /// </summary>
    public struct CriticalKernelOperands
    {
        /// <summary>Address of the running sum (0 when the buffer recomputes its sum).</summary>
        public nint Sum;

        /// <summary>Address of the slot that receives the entry (0 when the offer is rejected).</summary>
        public nint Target;

        /// <summary>Number of entries the aggregation sees (those stored before this step's offer).</summary>
        public int Count;

        /// <summary>Whether the receiving slot holds an entry that leaves (and is subtracted from the sum).</summary>
        public bool Replaces;

        /// <summary>Whether the offer is admitted.</summary>
        public bool Admits;

        /// <summary>Addresses of the stored entries in list order, the first <see cref="Count"/> of them (recomputed sums only).</summary>
        public nint[]? Entries;

        /// <summary>Whether the current quantity is aggregated with the buffer (it holds at least one entry).</summary>
        public readonly bool Aggregates => Count > 0;
    }
}
