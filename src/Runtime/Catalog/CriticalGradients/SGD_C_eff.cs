namespace OptimDsl.Optimizers
{
    /// <summary>
    /// Exact reproduction of CGOptimizer <c>optim_eff.py</c>'s <c>SGD_C_eff</c>: slot buffer (admission decided on the
    /// device, no host synchronisation), aggregation <c>g + mean(B)</c>, optional low-precision buffer storage.
    /// </summary>
    [Optimizer(Lr = 0.001)]
    [WeightDecay(Default = 0.0, Order = WeightDecayOrder.BeforeCriticalBuffer)]
    [CriticalBuffer(TopC = 20, Decay = 0.99, Kappa = 1.0, KappaUse = KappaUse.Switch, Structure = CriticalBufferStructure.Slots,
        Aggregation = AggregationRule.Sum, Synced = true)]
    [Momentum(Default = 0.0, Dampening = 0.0)]
    [Reproduces("cge.SGD_C_eff")]
    public sealed partial class SGD_C_eff
    {
    }
}
