using System;

namespace OptimDsl
{
    /// <summary>
    /// Adafactor (Shazeer and Stern, 2018) as HuggingFace transformers implements it: factored second moment (row and
    /// column factors over the last two dimensions; unfactored for rank &lt; 2) with <c>beta2_t = 1 - t^decay_rate</c>,
    /// relative step size, parameter scaling, update clipping by RMS, optional first moment <c>beta1</c> on the scaled
    /// update, and weight decay scaled by the relative learning rate. Generated arguments (HuggingFace names): <c>lr</c>
    /// (nullable), <c>eps1</c>, <c>eps2</c>, <c>clip_threshold</c>, <c>decay_rate</c>, <c>beta1</c> (nullable),
    /// <c>weight_decay</c>, <c>scale_parameter</c>, <c>relative_step</c>, <c>warmup_init</c>.
    /// Composes with <see cref="CriticalBufferAttribute"/> on gradients and <see cref="MaximizeAttribute"/>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    sealed class AdafactorAttribute : Attribute
    {
        /// <summary>Default of <c>eps1</c>, added to squared gradients.</summary>
        public double Eps1 { get; set; } = 1e-30;

        /// <summary>Default of <c>eps2</c>, the floor of the parameter scale.</summary>
        public double Eps2 { get; set; } = 1e-3;

        /// <summary>Default of <c>clip_threshold</c> (update clipping by RMS).</summary>
        public double ClipThreshold { get; set; } = 1.0;

        /// <summary>Default of <c>decay_rate</c> (the exponent c in beta2_t = 1 - t^c), negative.</summary>
        public double DecayRate { get; set; } = -0.8;

        /// <summary>Default of <c>scale_parameter</c>.</summary>
        public bool ScaleParameter { get; set; } = true;

        /// <summary>Default of <c>relative_step</c>.</summary>
        public bool RelativeStep { get; set; } = true;

        /// <summary>Default of <c>warmup_init</c>.</summary>
        public bool WarmupInit { get; set; }
    }
}
