using System;

namespace OptimDsl
{
    /// <summary>
    /// Adds the <c>amsgrad</c> argument (default <c>false</c>): the denominator uses the running maximum of the second
    /// moment. Requires <see cref="SecondMomentAttribute"/>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class AmsGradAttribute : Attribute
    {
    }
}
