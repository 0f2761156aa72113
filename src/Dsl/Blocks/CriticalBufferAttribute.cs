using System;

namespace OptimDsl
{
    /// <summary>
    /// A per-parameter buffer of up to <c>topC</c> "critical" tensors with priorities (Critical Gradients, ICLR 2022;
    /// Critical Momenta, TMLR 2024). Every step the current quantity is aggregated with the buffer as it was before the
    /// step (see <see cref="Aggregation"/>), then offered to the buffer (admitted while it has room, afterwards only if its
    /// priority beats the smallest stored one), and all stored priorities are multiplied by <c>decay</c>.
    /// Generated arguments: <c>topC</c>, <c>decay</c>, <c>kappa</c>, <c>synced</c>, and, depending on the options,
    /// <c>aggr</c>, <c>critical_test</c>, <c>buffer_dtype</c>, <c>max_age</c>, <c>seed</c>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    sealed class CriticalBufferAttribute : Attribute
    {
        /// <summary>Default capacity <c>topC</c> (C ≥ 1).</summary>
        public int TopC { get; set; } = 10;

        /// <summary>Default priority decay <c>decay</c> (λ ∈ (0, 1]), applied every step, the insertion step included.</summary>
        public double Decay { get; set; } = 0.7;

        /// <summary>Default buffer weight <c>kappa</c> (κ ≥ 0).</summary>
        public double Kappa { get; set; } = 1.0;

        /// <summary>How <c>kappa</c> is used.</summary>
        public KappaUse KappaUse { get; set; } = KappaUse.Weight;

        /// <summary>What is stored and aggregated.</summary>
        public CriticalSource Source { get; set; } = CriticalSource.Gradient;

        /// <summary>Default of <c>synced</c>: priority = the group's sum of per-tensor gradient norms (true) or this tensor's norm.</summary>
        public bool Synced { get; set; } = true;

        /// <summary>Which published buffer structure (admission and eviction semantics) is used.</summary>
        public CriticalBufferStructure Structure { get; set; } = CriticalBufferStructure.Slots;

        /// <summary>Default aggregation rule.</summary>
        public AggregationRule Aggregation { get; set; } = AggregationRule.Sum;

        /// <summary>Expose the aggregation rule as the <c>aggr</c> argument (CGOptimizer's <c>optim.py</c> classes).</summary>
        public bool AggregationArgument { get; set; }

        /// <summary>What the first step (empty buffer) does.</summary>
        public CriticalFirstStep FirstStep { get; set; } = CriticalFirstStep.Unaggregated;

        /// <summary>With <see cref="CriticalSource.Momentum"/>: the second moment is computed from the aggregated momentum (Adam+CM).</summary>
        public bool FeedsSecondMoment { get; set; }

        /// <summary>With <see cref="CriticalSource.Momentum"/>: the very first entry is the raw gradient (Adam+CM).</summary>
        public bool SeedWithGradient { get; set; }

        /// <summary>
        /// Expose CMOptimizer's <c>critical_test</c> probability (default 0) and a <c>seed</c>: with that probability a
        /// full buffer skips the priority test and overwrites the slot found by the last minimum search.
        /// Only with <see cref="CriticalBufferStructure.Slots"/>.
        /// </summary>
        public bool RandomReplacement { get; set; }

        /// <summary>Expose <c>buffer_dtype</c> (default: the parameter's dtype), e.g. bfloat16 to halve buffer memory.</summary>
        public bool BufferDtypeArgument { get; set; } = true;

        /// <summary>
        /// Default of <c>max_age</c>: entries older than this many steps are dropped (0 = unlimited). Bounded staleness is
        /// what the convergence bound in <c>docs/CONVERGENCE.md</c> assumes.
        /// </summary>
        public int MaxAge { get; set; }

        /// <summary>
        /// With <see cref="CriticalBufferStructure.Heap"/>: keep a running sum of the entries (default; one more parameter-sized
        /// tensor, constant cost per step) or recompute it in the reference's order on every step (no extra memory, C passes).
        /// The Slots structure always keeps a running sum.
        /// </summary>
        public CriticalSum Sum { get; set; } = CriticalSum.Running;
    }
}
