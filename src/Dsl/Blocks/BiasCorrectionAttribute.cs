using System;

namespace OptimDsl
{
    /// <summary>
    /// Adam's bias correction: the first moment is divided by <c>1 - beta1^t</c> and the second moment by
    /// <c>1 - beta2^t</c>, with <c>t</c> the per-parameter step count.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    sealed class BiasCorrectionAttribute : Attribute
    {
    }
}
