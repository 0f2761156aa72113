namespace OptimDsl.Optimizers
{
    /// <summary>Critical-gradient AdamW, corrected (<c>kappa = 0</c> is exactly <see cref="AdamW"/>). Compare <see cref="AdamW_C"/>.</summary>
    [Optimizer(Lr = 1e-3)]
    [WeightDecay(Default = 0.01, Mode = WeightDecayMode.Decoupled)]
    [CriticalBuffer(TopC = 10, Decay = 0.7, Kappa = 1.0, KappaUse = KappaUse.Weight, Structure = CriticalBufferStructure.Slots,
        Aggregation = AggregationRule.Mean, AggregationArgument = true, Synced = true)]
    [FirstMoment(Beta = 0.9)]
    [SecondMoment(Beta = 0.999)]
    [AmsGrad]
    [BiasCorrection]
    [Epsilon(1e-8)]
    [Maximize]
    public sealed partial class CriticalAdamW
    {
    }
}
