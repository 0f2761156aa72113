namespace OptimDsl.Generator.Model
{
    // One record per building block, holding the attribute's named arguments after parsing. Each block remembers
    // where its attribute is, so validation can report at the offending attribute.

    /// <summary>Base of every parsed block.</summary>
    internal abstract record Block(string AttributeName, LocationInfo? Location);

    internal sealed record MaximizeBlock(bool Default, LocationInfo? Location) : Block("Maximize", Location);

    internal sealed record WeightDecayBlock(double Default, WeightDecayMode Mode, WeightDecayOrder Order, LocationInfo? Location)
        : Block("WeightDecay", Location);

    internal sealed record MomentumBlock(double Default, double Dampening, bool Nesterov, MomentInput Input, LocationInfo? Location)
        : Block("Momentum", Location);

    internal sealed record FirstMomentBlock(double Beta, string Name, MomentInput Input, LocationInfo? Location)
        : Block("FirstMoment", Location);

    internal sealed record SecondMomentBlock(double Beta, string Name, bool Centered, bool CenteredDefault, LocationInfo? Location)
        : Block("SecondMoment", Location);

    internal sealed record AccumulatorBlock(double InitialValue, LocationInfo? Location) : Block("Accumulator", Location);

    internal sealed record AmsGradBlock(bool Default, LocationInfo? Location) : Block("AmsGrad", Location);

    internal sealed record BiasCorrectionBlock(LocationInfo? Location) : Block("BiasCorrection", Location);

    internal sealed record EpsilonBlock(double Default, EpsilonPlacement Placement, LocationInfo? Location) : Block("Epsilon", Location);

    internal sealed record LrDecayBlock(double Default, LocationInfo? Location) : Block("LrDecay", Location);

    internal sealed record SM3Block(double Beta, LocationInfo? Location) : Block("SM3", Location);

    internal sealed record SkipNonFiniteBlock(bool Default, LocationInfo? Location) : Block("SkipNonFinite", Location);

    internal sealed record AdafactorBlock(
        double Eps1,
        double Eps2,
        double ClipThreshold,
        double DecayRate,
        bool ScaleParameter,
        bool RelativeStep,
        bool WarmupInit,
        LocationInfo? Location) : Block("Adafactor", Location);

    internal sealed record CriticalBufferBlock(
        int TopC,
        double Decay,
        double Kappa,
        KappaUse KappaUse,
        CriticalSource Source,
        bool Synced,
        CriticalBufferStructure Structure,
        AggregationRule Aggregation,
        bool AggregationArgument,
        CriticalFirstStep FirstStep,
        bool FeedsSecondMoment,
        bool SeedWithGradient,
        bool RandomReplacement,
        bool BufferDtypeArgument,
        int MaxAge,
        CriticalSum Sum,
        LocationInfo? Location) : Block("CriticalBuffer", Location);
}
