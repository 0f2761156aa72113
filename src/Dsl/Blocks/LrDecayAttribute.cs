using System;

namespace OptimDsl
{
    /// <summary>
    /// Adagrad's learning-rate decay: the step uses <c>lr / (1 + (t - 1) * lr_decay)</c>. Adds <c>lr_decay</c>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    sealed class LrDecayAttribute : Attribute
    {
        /// <summary>Default of <c>lr_decay</c>; must be non-negative.</summary>
        public double Default { get; set; }
    }
}
