namespace OptimDsl
{
    /// <summary>What a critical buffer stores and aggregates.</summary>
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    enum CriticalSource
    {
        /// <summary>The gradient at the buffer's stage (after maximize and, with <see cref="WeightDecayOrder.BeforeCriticalBuffer"/>, L2).</summary>
        Gradient = 0,

        /// <summary>The first moment right after its update (Critical Momenta). Requires <see cref="FirstMomentAttribute"/>.</summary>
        Momentum = 1,
    }

    /// <summary>How <c>kappa</c> enters the aggregation.</summary>
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    enum KappaUse
    {
        /// <summary>κ multiplies the buffer term (CG's <c>SGD_C</c>); κ = 0 recovers the base optimizer.</summary>
        Weight = 0,

        /// <summary>κ only switches the buffer on (κ &gt; 0) with weight 1 (CG's <c>Adam_C</c>, every <c>*_eff</c> and CMOptimizer class).</summary>
        Switch = 1,
    }

    /// <summary>The two published buffer structures.</summary>
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    enum CriticalBufferStructure
    {
        /// <summary>
        /// Fixed slots with a running sum (CGOptimizer <c>optim_eff.py</c>, CMOptimizer): a full buffer overwrites the slot
        /// with the smallest priority when the new priority is larger. Admission is decided on the device: no host read.
        /// </summary>
        Slots = 0,

        /// <summary>
        /// CGOptimizer <c>optim.py</c>'s heap list, reproduced exactly, including its stale-minimum admission threshold
        /// after a trim. Priorities live on the host: one host read per parameter group per step.
        /// </summary>
        Heap = 1,
    }

    /// <summary>How a <see cref="CriticalBufferStructure.Heap"/> buffer obtains the sum of its entries (the Slots structure always keeps a running sum, as its references do).</summary>
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    enum CriticalSum
    {
        /// <summary>
        /// A running sum in the parameter's dtype, updated when an entry enters or leaves and recomputed exactly every 100
        /// changes: O(1) passes over the parameter per step, one more parameter-sized tensor of state.
        /// </summary>
        Running = 0,

        /// <summary>
        /// Recomputed from the stored entries on every aggregation, in the reference's order (CGOptimizer <c>optim.py</c>'s
        /// <c>gradSum</c>): no memory beyond the C entries, C passes per step.
        /// </summary>
        Recompute = 1,
    }

    /// <summary>Aggregation of the current quantity <c>g</c> with the buffer <c>B</c> (names as in CGOptimizer).</summary>
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    enum AggregationRule
    {
        /// <summary><c>g + κ·mean(B)</c>.</summary>
        Sum = 0,

        /// <summary><c>(g + κ·mean(B)) / 2</c>.</summary>
        Mid = 1,

        /// <summary><c>(g + κ·sum(B)) / (|B| + 1)</c>.</summary>
        Mean = 2,

        /// <summary><c>mean(B)</c> alone: the current quantity only enters through the buffer (CMOptimizer's <c>RMSprop_C</c> bug, kept for exact reproduction).</summary>
        BufferMeanOnly = 3,
    }

    /// <summary>What the first step (empty buffer) does.</summary>
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    enum CriticalFirstStep
    {
        /// <summary>The step uses the current quantity unaggregated (CG).</summary>
        Unaggregated = 0,

        /// <summary>The step only seeds the buffer; moments and parameters do not move (Adam+CM's reference behaviour).</summary>
        NoOp = 1,
    }
}
