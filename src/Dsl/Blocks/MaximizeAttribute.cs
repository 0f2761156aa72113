using System;

namespace OptimDsl
{
    /// <summary>
    /// Adds PyTorch's <c>maximize</c> argument. The block itself changes nothing: an optimizer ascends only where
    /// <c>maximize</c> is true (the step then uses the negated gradient), and the argument defaults to
    /// <see cref="Default"/>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    sealed class MaximizeAttribute : Attribute
    {
        /// <summary>Default of the generated <c>maximize</c> argument (false, as in PyTorch).</summary>
        public bool Default { get; set; }
    }
}
