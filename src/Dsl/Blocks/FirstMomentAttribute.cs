using System;

namespace OptimDsl
{
    /// <summary>
    /// Exponential moving average <c>m = beta * m + (1 - beta) * input</c>, starting from zero (Adam's <c>exp_avg</c>;
    /// SM3's and Adafactor's momentum when <see cref="Input"/> is <see cref="MomentInput.Preconditioned"/>).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    sealed class FirstMomentAttribute : Attribute
    {
        /// <summary>Default of the coefficient, in [0, 1).</summary>
        public double Beta { get; set; } = 0.9;

        /// <summary>Name of the generated argument: <c>beta1</c> (default) or e.g. <c>momentum</c>.</summary>
        public string Name { get; set; } = "beta1";

        /// <summary>What the average is taken of.</summary>
        public MomentInput Input { get; set; } = MomentInput.Gradient;
    }
}
