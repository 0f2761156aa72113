namespace OptimDsl.Optimizers
{
    /// <summary>
    /// Critical-gradient Adam, corrected: <c>kappa</c> weights the buffer (<c>kappa = 0</c> is exactly <see cref="Adam"/>), true-minimum
    /// admission on the device, checkpointed buffer. Compare <see cref="Adam_C"/> and <see cref="Adam_C_eff"/> (exact reproductions).
    /// </summary>
    [Optimizer(Lr = 1e-3)]
    [WeightDecay(Default = 0.0, Order = WeightDecayOrder.AfterCriticalBuffer)]
    [CriticalBuffer(TopC = 10, Decay = 0.7, Kappa = 1.0, KappaUse = KappaUse.Weight, Structure = CriticalBufferStructure.Slots,
        Aggregation = AggregationRule.Mean, AggregationArgument = true, Synced = true)]
    [FirstMoment(Beta = 0.9)]
    [SecondMoment(Beta = 0.999)]
    [AmsGrad]
    [BiasCorrection]
    [Epsilon(1e-8)]
    [Maximize]
    public sealed partial class CriticalAdam
    {
    }
}
