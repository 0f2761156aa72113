namespace OptimDsl.Optimizers
{
    /// <summary>
    /// Exact reproduction of CMOptimizer's <c>RMSprop_C</c>, including its bug: after the first step the update uses the
    /// buffer mean alone (<see cref="AggregationRule.BufferMeanOnly"/>); the current gradient only enters through the buffer.
    /// Use <see cref="CriticalRMSprop"/> for the intended algorithm.
    /// </summary>
    [Optimizer(Lr = 1e-2)]
    [WeightDecay(Default = 0.0, Order = WeightDecayOrder.AfterCriticalBuffer)]
    [CriticalBuffer(TopC = 10, Decay = 0.7, Kappa = 1.0, KappaUse = KappaUse.Switch, Structure = CriticalBufferStructure.Slots,
        Aggregation = AggregationRule.BufferMeanOnly, Synced = true)]
    [SecondMoment(Beta = 0.99, Name = "alpha", Centered = true)]
    [Epsilon(1e-8)]
    [Momentum(Default = 0.0, Input = MomentInput.Preconditioned)]
    [Reproduces("cm.RMSprop_C")]
    public sealed partial class CM_RMSprop_C
    {
    }
}
