namespace OptimDsl.Optimizers
{
    /// <summary>
    /// Exact reproduction of CGOptimizer <c>optim_eff.py</c>'s <c>Adam_C_eff</c>: slot buffer of raw gradients, aggregation
    /// <c>g + mean(B)</c> (the reference ignores <c>aggr</c>), L2 weight decay after aggregation, then Adam.
    /// </summary>
    [Optimizer(Lr = 1e-3)]
    [WeightDecay(Default = 0.0, Order = WeightDecayOrder.AfterCriticalBuffer)]
    [CriticalBuffer(TopC = 20, Decay = 0.99, Kappa = 1.0, KappaUse = KappaUse.Switch, Structure = CriticalBufferStructure.Slots,
        Aggregation = AggregationRule.Sum, Synced = true)]
    [FirstMoment(Beta = 0.9)]
    [SecondMoment(Beta = 0.999)]
    [AmsGrad]
    [BiasCorrection]
    [Epsilon(1e-8)]
    [Reproduces("cge.Adam_C_eff")]
    public sealed partial class Adam_C_eff
    {
    }
}
