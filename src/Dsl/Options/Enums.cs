namespace OptimDsl
{
    /// <summary>How weight decay is applied.</summary>
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    enum WeightDecayMode
    {
        /// <summary>L2 penalty: <c>grad += weight_decay * param</c>.</summary>
        L2 = 0,

        /// <summary>Decoupled: <c>param *= 1 - lr * weight_decay</c>, first thing in the step (AdamW).</summary>
        Decoupled = 1,
    }

    /// <summary>Where an L2 term goes relative to a critical buffer on gradients.</summary>
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    enum WeightDecayOrder
    {
        /// <summary>Before the buffer: stored and aggregated gradients include the L2 term.</summary>
        BeforeCriticalBuffer = 0,

        /// <summary>After aggregation: the buffer stores raw gradients; the L2 term is added to the aggregate.</summary>
        AfterCriticalBuffer = 1,
    }

    /// <summary>What a moment block averages.</summary>
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    enum MomentInput
    {
        /// <summary>The (processed, possibly aggregated) gradient.</summary>
        Gradient = 0,

        /// <summary>The preconditioned update (gradient divided by the second-moment denominator).</summary>
        Preconditioned = 1,
    }

    /// <summary>Where epsilon goes in the denominator.</summary>
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    enum EpsilonPlacement
    {
        /// <summary><c>sqrt(v) + eps</c>.</summary>
        OutsideSqrt = 0,

        /// <summary><c>sqrt(v + eps)</c>.</summary>
        InsideSqrt = 1,
    }
}

namespace OptimDsl
{
    /// <summary>Covers of SM3's accumulators.</summary>
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    enum Sm3Cover
    {
        /// <summary>One accumulator per dimension (co-dimension-one slices: rows, columns, ...).</summary>
        CoDimensionOneSlices = 0,
    }
}
