using System;

namespace OptimDsl
{
    /// <summary>
    /// Adds the <c>skip_nonfinite</c> argument: when it is true, a parameter group whose gradients hold any NaN or infinite
    /// value skips its whole step — no parameter, moment, step counter or critical buffer changes — and each of its
    /// parameters with a gradient counts the skipped step in its state (<c>skipped_steps</c>), as AMP's gradient scaler skips
    /// <c>optimizer.step()</c> after its inf checks. The check reads the group's gradients once (one host read per group).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    sealed class SkipNonFiniteAttribute : Attribute
    {
        /// <summary>Default of <c>skip_nonfinite</c> (true: declaring the block turns skipping on).</summary>
        public bool Default { get; set; } = true;
    }
}
