using System;

namespace OptimDsl
{
    /// <summary>
    /// Adagrad's second moment: a plain running sum of squares <c>sum += input^2</c>, starting from
    /// <c>initial_accumulator_value</c> (generated argument).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    sealed class AccumulatorAttribute : Attribute
    {
        /// <summary>Default of <c>initial_accumulator_value</c>; must be non-negative.</summary>
        public double InitialValue { get; set; }
    }
}
