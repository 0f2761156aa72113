namespace OptimDsl.Generator.Model
{
    /// <summary>
    /// Stage 1 output (parse): everything the generator needs from one <c>[Optimizer]</c> class, as plain values.
    /// Holds no symbols or syntax, so the incremental pipeline can cache it.
    /// </summary>
    internal sealed record OptimizerDeclaration(
        TypeDeclarationInfo Type,
        double Lr,
        LocationInfo? OptimizerAttributeLocation,
        BlockSet Blocks)
    {
        /// <summary>This declaration with every location removed: what planning needs, so moving code does not re-plan.</summary>
        public OptimizerDeclaration WithoutLocations() => this with { OptimizerAttributeLocation = null, Blocks = Blocks.WithoutLocations() };
    }

    /// <summary>The blocks of one declaration, at most one of each kind.</summary>
    internal sealed record BlockSet(
        MaximizeBlock? Maximize = null,
        WeightDecayBlock? WeightDecay = null,
        MomentumBlock? Momentum = null,
        FirstMomentBlock? FirstMoment = null,
        SecondMomentBlock? SecondMoment = null,
        AccumulatorBlock? Accumulator = null,
        AmsGradBlock? AmsGrad = null,
        BiasCorrectionBlock? BiasCorrection = null,
        EpsilonBlock? Epsilon = null,
        LrDecayBlock? LrDecay = null,
        CriticalBufferBlock? CriticalBuffer = null,
        SM3Block? SM3 = null,
        AdafactorBlock? Adafactor = null,
        SkipNonFiniteBlock? SkipNonFinite = null)
    {
        /// <summary>The same blocks without their locations.</summary>
        public BlockSet WithoutLocations() => new(
            Maximize is null ? null : Maximize with { Location = null },
            WeightDecay is null ? null : WeightDecay with { Location = null },
            Momentum is null ? null : Momentum with { Location = null },
            FirstMoment is null ? null : FirstMoment with { Location = null },
            SecondMoment is null ? null : SecondMoment with { Location = null },
            Accumulator is null ? null : Accumulator with { Location = null },
            AmsGrad is null ? null : AmsGrad with { Location = null },
            BiasCorrection is null ? null : BiasCorrection with { Location = null },
            Epsilon is null ? null : Epsilon with { Location = null },
            LrDecay is null ? null : LrDecay with { Location = null },
            CriticalBuffer is null ? null : CriticalBuffer with { Location = null },
            SM3 is null ? null : SM3 with { Location = null },
            Adafactor is null ? null : Adafactor with { Location = null },
            SkipNonFinite is null ? null : SkipNonFinite with { Location = null });

        /// <summary>Whether some block divides the update by a second-moment denominator.</summary>
        public bool HasDenominator => SecondMoment is not null || Accumulator is not null || SM3 is not null;
    }

    /// <summary>A value (or nothing) plus the diagnostics found while producing it.</summary>
    internal sealed record Result<T>(T? Value, EquatableArray<DiagnosticInfo> Diagnostics)
        where T : class;
}
