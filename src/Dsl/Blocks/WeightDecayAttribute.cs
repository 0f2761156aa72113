using System;

namespace OptimDsl
{
    /// <summary>
    /// Adds the <c>weight_decay</c> argument. <see cref="WeightDecayMode.L2"/> adds <c>weight_decay * param</c> to the
    /// gradient (Adam, SGD, RMSprop, Adagrad); <see cref="WeightDecayMode.Decoupled"/> multiplies the parameter by
    /// <c>1 - lr * weight_decay</c> before anything else (AdamW).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    sealed class WeightDecayAttribute : Attribute
    {
        /// <summary>Default of <c>weight_decay</c>; must be non-negative.</summary>
        public double Default { get; set; }

        /// <summary>How the decay is applied.</summary>
        public WeightDecayMode Mode { get; set; } = WeightDecayMode.L2;

        /// <summary>
        /// For <see cref="WeightDecayMode.L2"/> together with a critical buffer on gradients: whether the L2 term is added
        /// before the buffer (so stored gradients include it, as CG's <c>SGD_C</c>) or to the aggregated gradient
        /// (CG's <c>Adam_C</c>, <c>RMSprop_C</c>). Ignored otherwise.
        /// </summary>
        public WeightDecayOrder Order { get; set; } = WeightDecayOrder.BeforeCriticalBuffer;
    }
}
