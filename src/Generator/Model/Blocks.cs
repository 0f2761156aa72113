namespace OptimDsl.Generator.Model
{
    // One record per building block, holding the attribute's named arguments after parsing. Each block remembers
    // where its attribute is and where each of its arguments is written, so validation can report at the offending
    // argument (`Decay = 0`), or at the attribute when the problem is the block itself.

    /// <summary>Base of every parsed block.</summary>
    internal abstract record Block(string AttributeName, LocationInfo? Location)
    {
        /// <summary>Where each argument written in the attribute is (value-equal; empty once locations are removed).</summary>
        public EquatableArray<ArgumentLocation> Arguments { get; init; } = EquatableArray<ArgumentLocation>.Empty;

        /// <summary>The location of the argument that sets <paramref name="property"/>, or the attribute's when it is not written.</summary>
        public LocationInfo? At(string property) => ArgumentLocation.Find(Arguments, property) ?? Location;

        /// <summary>The location of the first of <paramref name="properties"/> that is written, or the attribute's.</summary>
        public LocationInfo? AtFirst(params string[] properties)
        {
            foreach (string property in properties)
            {
                if (ArgumentLocation.Find(Arguments, property) is { } at)
                {
                    return at;
                }
            }

            return Location;
        }

        /// <summary>This block without its locations.</summary>
        public Block WithoutLocation() => this with { Location = null, Arguments = EquatableArray<ArgumentLocation>.Empty };
    }

    /// <summary>
    /// Where one argument of an attribute is written: a named one (<c>Decay = 0</c>) under its property's name, a positional
    /// one under its constructor parameter's name (<c>[Epsilon(1e-8)]</c>: <c>default</c>, looked up ignoring case).
    /// </summary>
    internal sealed record ArgumentLocation(string Property, LocationInfo Location)
    {
        public static LocationInfo? Find(EquatableArray<ArgumentLocation> arguments, string property)
        {
            foreach (ArgumentLocation a in arguments)
            {
                if (string.Equals(a.Property, property, System.StringComparison.OrdinalIgnoreCase))
                {
                    return a.Location;
                }
            }

            return null;
        }
    }

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
