namespace OptimDsl.PropertyTests.Reference
{
    /// <summary>
    /// The effective hyper-parameters of one optimizer (attribute defaults already overridden by constructor arguments),
    /// in the terms of docs/DSL.md. A null block is absent.
    /// </summary>
    public sealed record RefConfig
    {
        public double Lr { get; init; } = 1e-3;

        /// <summary>The <c>maximize</c> argument (false without <c>[Maximize]</c>).</summary>
        public bool Maximize { get; init; }

        public RefWeightDecay? WeightDecay { get; init; }

        public RefMomentum? Momentum { get; init; }

        public RefFirstMoment? FirstMoment { get; init; }

        public RefSecondMoment? SecondMoment { get; init; }

        /// <summary><c>[Accumulator]</c>: <c>initial_accumulator_value</c>.</summary>
        public double? Accumulator { get; init; }

        /// <summary><c>[SM3]</c>: <c>beta</c>.</summary>
        public double? Sm3Beta { get; init; }

        /// <summary>The <c>amsgrad</c> argument (false without <c>[AmsGrad]</c>).</summary>
        public bool AmsGrad { get; init; }

        public bool BiasCorrection { get; init; }

        public RefEpsilon? Epsilon { get; init; }

        /// <summary><c>[LrDecay]</c>: <c>lr_decay</c>.</summary>
        public double? LrDecay { get; init; }

        public RefCritical? Critical { get; init; }

        public RefAdafactor? Adafactor { get; init; }

        public bool HasDenominator => SecondMoment is not null || Accumulator is not null || Sm3Beta is not null;
    }

    public sealed record RefWeightDecay(double Value, WeightDecayMode Mode, WeightDecayOrder Order);

    public sealed record RefMomentum(double Value, double Dampening, bool Nesterov, MomentInput Input);

    public sealed record RefFirstMoment(double Beta, MomentInput Input);

    public sealed record RefSecondMoment(double Beta, bool Centered);

    public sealed record RefEpsilon(double Value, EpsilonPlacement Placement);

    /// <summary>The critical buffer's effective options. <see cref="CriticalTest"/> is 0 without <c>RandomReplacement</c>.</summary>
    public sealed record RefCritical(
        int TopC,
        double Decay,
        double Kappa,
        KappaUse KappaUse,
        CriticalSource Source,
        bool Synced,
        CriticalBufferStructure Structure,
        AggregationRule Aggregation,
        CriticalFirstStep FirstStep,
        bool FeedsSecondMoment,
        bool SeedWithGradient,
        double CriticalTest,
        int MaxAge)
    {
        /// <summary>Weight: active when κ ≠ 0; Switch: when κ &gt; 0.</summary>
        public bool Active => KappaUse == KappaUse.Weight ? Kappa != 0 : Kappa > 0;

        /// <summary>The buffer term's weight: κ, or 1 with Switch.</summary>
        public double Weight => KappaUse == KappaUse.Weight ? Kappa : 1.0;
    }

    /// <summary>HuggingFace Adafactor's arguments; <see cref="Lr"/> and <see cref="Beta1"/> may be null.</summary>
    public sealed record RefAdafactor(
        double? Lr,
        double Eps1,
        double Eps2,
        double ClipThreshold,
        double DecayRate,
        double? Beta1,
        double WeightDecay,
        bool ScaleParameter,
        bool RelativeStep,
        bool WarmupInit);
}
