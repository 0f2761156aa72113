namespace OptimDsl.Optimizers
{
    /// <summary>
    /// Exact reproduction of CMOptimizer's <c>Adam_CM</c> (Critical Momenta, TMLR 2024): a slot buffer of first moments,
    /// the update uses <c>m + mean(B)</c>, whose square also feeds the second moment; decoupled weight decay. Reference
    /// quirks kept on purpose: the first step only seeds the buffer with the raw gradient and does not move the
    /// parameters, and bias correction counts that step. See <see cref="CriticalMomentaAdam"/> for the corrected variant.
    /// </summary>
    [Optimizer(Lr = 1e-3)]
    [WeightDecay(Default = 0.0, Mode = WeightDecayMode.Decoupled)]
    [FirstMoment(Beta = 0.9)]
    [CriticalBuffer(TopC = 5, Decay = 0.7, Kappa = 1.0, KappaUse = KappaUse.Switch, Source = CriticalSource.Momentum,
        Structure = CriticalBufferStructure.Slots, Aggregation = AggregationRule.Sum, FirstStep = CriticalFirstStep.NoOp,
        FeedsSecondMoment = true, SeedWithGradient = true, RandomReplacement = true, Synced = true)]
    [SecondMoment(Beta = 0.999)]
    [AmsGrad]
    [BiasCorrection]
    [Epsilon(1e-8)]
    [Reproduces("cm.Adam_CM")]
    public sealed partial class Adam_CM
    {
    }
}
