using System;

namespace OptimDsl
{
    /// <summary>
    /// Adds the <c>amsgrad</c> argument. The block itself changes nothing: where <c>amsgrad</c> is true, the denominator
    /// uses the running maximum of the second moment (state <c>max_exp_avg_sq</c>), and the argument defaults to
    /// <see cref="Default"/>. Requires <see cref="SecondMomentAttribute"/>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    sealed class AmsGradAttribute : Attribute
    {
        /// <summary>Default of the generated <c>amsgrad</c> argument (false, as in PyTorch).</summary>
        public bool Default { get; set; }
    }
}
