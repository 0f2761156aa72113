namespace OptimDsl.Optimizers
{
    /// <summary>
    /// Exact reproduction of CGOptimizer <c>optim.py</c>'s <c>Adam_C</c>: heap buffer of raw gradients, <c>aggr</c> rule with
    /// buffer weight 1 (<c>kappa</c> only switches it on), L2 weight decay added to the aggregated gradient, then Adam.
    /// </summary>
    [Optimizer(Lr = 1e-3)]
    [WeightDecay(Default = 0.0, Order = WeightDecayOrder.AfterCriticalBuffer)]
    [CriticalBuffer(TopC = 10, Decay = 0.7, Kappa = 1.0, KappaUse = KappaUse.Switch, Structure = CriticalBufferStructure.Heap,
        Aggregation = AggregationRule.Mean, AggregationArgument = true, Synced = true, BufferDtypeArgument = false)]
    [FirstMoment(Beta = 0.9)]
    [SecondMoment(Beta = 0.999)]
    [AmsGrad]
    [BiasCorrection]
    [Epsilon(1e-8)]
    [Reproduces("cg.Adam_C")]
    public sealed partial class Adam_C
    {
    }
}
