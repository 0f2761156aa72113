using System;

namespace OptimDsl
{
    /// <summary>
    /// Exponential moving average of squares <c>v = beta * v + (1 - beta) * input^2</c> (Adam's <c>exp_avg_sq</c>,
    /// RMSprop's <c>square_avg</c>); the update is divided by <c>sqrt(v)</c> (see <see cref="EpsilonAttribute"/>).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    sealed class SecondMomentAttribute : Attribute
    {
        /// <summary>Default of the coefficient, in [0, 1).</summary>
        public double Beta { get; set; } = 0.999;

        /// <summary>Name of the generated argument: <c>beta2</c> (default) or e.g. <c>alpha</c> (RMSprop).</summary>
        public string Name { get; set; } = "beta2";

        /// <summary>
        /// Adds RMSprop's <c>centered</c> argument (its default is <see cref="CenteredDefault"/>). Adding the argument
        /// changes nothing by itself: where <c>centered</c> is true, the denominator uses the variance estimate
        /// <c>v - avg^2</c>, with <c>avg</c> an EMA of the input (state <c>grad_avg</c>).
        /// </summary>
        public bool Centered { get; set; }

        /// <summary>Default of the generated <c>centered</c> argument (false, as in PyTorch); only with <see cref="Centered"/>.</summary>
        public bool CenteredDefault { get; set; }
    }
}
