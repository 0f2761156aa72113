namespace OptimDsl.Optimizers
{
    /// <summary>
    /// Exact reproduction of CMOptimizer's <c>Adam_C</c> (critical gradients, slot buffer, <c>g + mean(B)</c>, random
    /// replacement with probability <c>critical_test</c>). Named <c>CM_Adam_C</c> because checkpoints identify optimizers by
    /// type name and CGOptimizer's <see cref="Adam_C"/> behaves differently.
    /// </summary>
    [Optimizer(Lr = 1e-3)]
    [WeightDecay(Default = 0.0, Order = WeightDecayOrder.AfterCriticalBuffer)]
    [CriticalBuffer(TopC = 10, Decay = 0.7, Kappa = 1.0, KappaUse = KappaUse.Switch, Structure = CriticalBufferStructure.Slots,
        Aggregation = AggregationRule.Sum, RandomReplacement = true, Synced = true)]
    [FirstMoment(Beta = 0.9)]
    [SecondMoment(Beta = 0.999)]
    [AmsGrad]
    [BiasCorrection]
    [Epsilon(1e-8)]
    [Reproduces("cm.Adam_C")]
    public sealed partial class CM_Adam_C
    {
    }
}
