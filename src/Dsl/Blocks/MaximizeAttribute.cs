using System;

namespace OptimDsl
{
    /// <summary>
    /// Adds PyTorch's <c>maximize</c> argument (default <c>false</c>): when set, the step ascends the objective by
    /// using the negated gradient.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class MaximizeAttribute : Attribute
    {
    }
}
