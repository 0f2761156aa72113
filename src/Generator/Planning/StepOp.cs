namespace OptimDsl.Generator.Planning
{
    /// <summary>
    /// The canonical, ordered operations of a generated step (per parameter). The planner selects the ones the
    /// declaration's blocks need; the step emitter turns each into a few in-place tensor operations.
    /// </summary>
    internal enum StepOp
    {
        DecoupledWeightDecay,
        ReadGradient,
        L2BeforeBuffer,
        CriticalSeedOnlyFirstStep,
        CriticalOnGradient,
        L2AfterBuffer,
        HeavyBallOnGradient,
        FirstMomentOnGradient,
        CriticalOnMomentum,
        SecondMomentEma,
        Accumulate,
        Sm3SecondMoment,
        AdafactorUpdate,
        AmsGradMax,
        Denominator,
        StepSize,
        ApplyUpdate,
        DecayPriorities,
    }
}
