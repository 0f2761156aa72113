using System;

namespace OptimDsl
{
    /// <summary>Adds the <c>eps</c> argument, the term that keeps the denominator away from zero.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    sealed class EpsilonAttribute : Attribute
    {
        /// <summary>Creates the block with the given default.</summary>
        public EpsilonAttribute(double @default = 1e-8) => Default = @default;

        /// <summary>Default of <c>eps</c>; must be non-negative.</summary>
        public double Default { get; }

        /// <summary>
        /// <see cref="EpsilonPlacement.OutsideSqrt"/>: <c>sqrt(v) + eps</c> (Adam, RMSprop, Adagrad);
        /// <see cref="EpsilonPlacement.InsideSqrt"/>: <c>sqrt(v + eps)</c> (SM3).
        /// </summary>
        public EpsilonPlacement Placement { get; set; } = EpsilonPlacement.OutsideSqrt;
    }
}
