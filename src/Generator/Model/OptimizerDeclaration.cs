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
        BlockSet Blocks,
        LocationInfo? LrLocation = null)
    {
        /// <summary>This declaration with every location removed: what planning needs, so moving code does not re-plan.</summary>
        public OptimizerDeclaration WithoutLocations() =>
            this with { OptimizerAttributeLocation = null, LrLocation = null, Blocks = Blocks.WithoutLocations() };

        /// <summary>Where the value of <c>Attribute.Property</c> is written (the attribute's location when it is not).</summary>
        public LocationInfo? LocationOf(string attribute, string property) =>
            attribute == "Optimizer" ? LrLocation ?? OptimizerAttributeLocation
            : Blocks.Find(attribute)?.At(property) ?? OptimizerAttributeLocation;
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
            Maximize is null ? null : (MaximizeBlock)Maximize.WithoutLocation(),
            WeightDecay is null ? null : (WeightDecayBlock)WeightDecay.WithoutLocation(),
            Momentum is null ? null : (MomentumBlock)Momentum.WithoutLocation(),
            FirstMoment is null ? null : (FirstMomentBlock)FirstMoment.WithoutLocation(),
            SecondMoment is null ? null : (SecondMomentBlock)SecondMoment.WithoutLocation(),
            Accumulator is null ? null : (AccumulatorBlock)Accumulator.WithoutLocation(),
            AmsGrad is null ? null : (AmsGradBlock)AmsGrad.WithoutLocation(),
            BiasCorrection is null ? null : (BiasCorrectionBlock)BiasCorrection.WithoutLocation(),
            Epsilon is null ? null : (EpsilonBlock)Epsilon.WithoutLocation(),
            LrDecay is null ? null : (LrDecayBlock)LrDecay.WithoutLocation(),
            CriticalBuffer is null ? null : (CriticalBufferBlock)CriticalBuffer.WithoutLocation(),
            SM3 is null ? null : (SM3Block)SM3.WithoutLocation(),
            Adafactor is null ? null : (AdafactorBlock)Adafactor.WithoutLocation(),
            SkipNonFinite is null ? null : (SkipNonFiniteBlock)SkipNonFinite.WithoutLocation());

        /// <summary>Every block present, in the order of this record.</summary>
        public System.Collections.Generic.IEnumerable<Block> All()
        {
            Block?[] blocks = { Maximize, WeightDecay, Momentum, FirstMoment, SecondMoment, Accumulator, AmsGrad, BiasCorrection, Epsilon, LrDecay, CriticalBuffer, SM3, Adafactor, SkipNonFinite };
            foreach (Block? block in blocks)
            {
                if (block is not null)
                {
                    yield return block;
                }
            }
        }

        /// <summary>The block of the given attribute name (<c>"CriticalBuffer"</c>), if present.</summary>
        public Block? Find(string attributeName)
        {
            foreach (Block block in All())
            {
                if (block.AttributeName == attributeName)
                {
                    return block;
                }
            }

            return null;
        }

        /// <summary>Whether some block divides the update by a second-moment denominator.</summary>
        public bool HasDenominator => SecondMoment is not null || Accumulator is not null || SM3 is not null;
    }

    /// <summary>A value (or nothing) plus the diagnostics found while producing it.</summary>
    internal sealed record Result<T>(T? Value, EquatableArray<DiagnosticInfo> Diagnostics)
        where T : class;
}
