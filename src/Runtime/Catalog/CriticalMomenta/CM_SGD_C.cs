namespace OptimDsl.Optimizers
{
    /// <summary>Exact reproduction of CMOptimizer's <c>SGD_C</c>: slot buffer, <c>g + mean(B)</c>, random replacement, momentum.</summary>
    [Optimizer(Lr = 0.001)]
    [WeightDecay(Default = 0.0, Order = WeightDecayOrder.BeforeCriticalBuffer)]
    [CriticalBuffer(TopC = 10, Decay = 0.7, Kappa = 1.0, KappaUse = KappaUse.Switch, Structure = CriticalBufferStructure.Slots,
        Aggregation = AggregationRule.Sum, RandomReplacement = true, Synced = true)]
    [Momentum(Default = 0.0, Dampening = 0.0)]
    [Reproduces("cm.SGD_C")]
    public sealed partial class CM_SGD_C
    {
    }
}
