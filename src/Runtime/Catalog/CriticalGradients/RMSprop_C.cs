namespace OptimDsl.Optimizers
{
    /// <summary>
    /// Exact reproduction of CGOptimizer <c>optim.py</c>'s <c>RMSprop_C</c>: heap buffer of raw gradients, <c>aggr</c> rule
    /// with buffer weight 1, L2 weight decay after aggregation, RMSprop (optionally centered) with momentum of the
    /// preconditioned update.
    /// </summary>
    [Optimizer(Lr = 1e-2)]
    [WeightDecay(Default = 0.0, Order = WeightDecayOrder.AfterCriticalBuffer)]
    [CriticalBuffer(TopC = 10, Decay = 0.7, Kappa = 1.0, KappaUse = KappaUse.Switch, Structure = CriticalBufferStructure.Heap,
        Aggregation = AggregationRule.Mean, AggregationArgument = true, Synced = true, BufferDtypeArgument = false)]
    [SecondMoment(Beta = 0.99, Name = "alpha", Centered = true)]
    [Epsilon(1e-8)]
    [Momentum(Default = 0.0, Input = MomentInput.Preconditioned)]
    [Reproduces("cg.RMSprop_C")]
    public sealed partial class RMSprop_C
    {
    }
}
