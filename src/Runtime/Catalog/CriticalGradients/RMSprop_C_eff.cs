namespace OptimDsl.Optimizers
{
    /// <summary>Exact reproduction of CGOptimizer <c>optim_eff.py</c>'s <c>RMSprop_C_eff</c>: slot buffer, <c>g + mean(B)</c>, RMSprop.</summary>
    [Optimizer(Lr = 1e-2)]
    [WeightDecay(Default = 0.0, Order = WeightDecayOrder.AfterCriticalBuffer)]
    [CriticalBuffer(TopC = 20, Decay = 0.99, Kappa = 1.0, KappaUse = KappaUse.Switch, Structure = CriticalBufferStructure.Slots,
        Aggregation = AggregationRule.Sum, Synced = true)]
    [SecondMoment(Beta = 0.99, Name = "alpha", Centered = true)]
    [Epsilon(1e-8)]
    [Momentum(Default = 0.0, Input = MomentInput.Preconditioned)]
    [Reproduces("cge.RMSprop_C_eff")]
    public sealed partial class RMSprop_C_eff
    {
    }
}
