namespace OptimDsl.Generator.Parsing
{
    /// <summary>
    /// Default instances of the DSL's attributes, compiled into the generator from src/Dsl: the one description of every
    /// default. The parser falls back to these for arguments a declaration does not write.
    /// </summary>
    internal static class Defaults
    {
        public static readonly OptimizerAttribute Optimizer = new();
        public static readonly MaximizeAttribute Maximize = new();
        public static readonly WeightDecayAttribute WeightDecay = new();
        public static readonly MomentumAttribute Momentum = new();
        public static readonly FirstMomentAttribute FirstMoment = new();
        public static readonly SecondMomentAttribute SecondMoment = new();
        public static readonly AccumulatorAttribute Accumulator = new();
        public static readonly AmsGradAttribute AmsGrad = new();
        public static readonly EpsilonAttribute Epsilon = new();
        public static readonly LrDecayAttribute LrDecay = new();
        public static readonly CriticalBufferAttribute CriticalBuffer = new();
        public static readonly SM3Attribute SM3 = new();
        public static readonly SkipNonFiniteAttribute SkipNonFinite = new();
        public static readonly AdafactorAttribute Adafactor = new();
    }
}
