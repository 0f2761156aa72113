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
        BlockSet Blocks);

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
        AdafactorBlock? Adafactor = null)
    {
        /// <summary>Whether some block divides the update by a second-moment denominator.</summary>
        public bool HasDenominator => SecondMoment is not null || Accumulator is not null || SM3 is not null;
    }

    /// <summary>A value (or nothing) plus the diagnostics found while producing it.</summary>
    internal sealed record Result<T>(T? Value, EquatableArray<DiagnosticInfo> Diagnostics)
        where T : class;
}
