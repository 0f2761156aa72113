using System;

namespace OptimDsl
{
    /// <summary>
    /// SM3-II second moment (Anil et al., 2019) over a cover of co-dimension-one slices: for a tensor of rank r ≥ 2 one
    /// accumulator per dimension (memory Σ dims instead of Π dims); rank ≤ 1 keeps a full diagonal accumulator.
    /// <c>nu = min over accumulators + g²</c> (with <c>beta</c> &gt; 0: <c>beta·min + (1 - beta)·g²</c>, accumulators never decrease),
    /// each accumulator = max of <c>nu</c> over the other axes; the update divides by <c>sqrt(nu + eps)</c> (use
    /// <c>[Epsilon(1e-30, Placement = EpsilonPlacement.InsideSqrt)]</c>). Adds the <c>beta</c> argument.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    sealed class SM3Attribute : Attribute
    {
        /// <summary>Default of <c>beta</c>, in [0, 1): 0 accumulates (SM3-II), &gt; 0 is the exponential-moving-average variant.</summary>
        public double Beta { get; set; }

        /// <summary>The cover of the accumulators (only co-dimension-one slices are implemented).</summary>
        public Sm3Cover Cover { get; set; } = Sm3Cover.CoDimensionOneSlices;
    }
}
