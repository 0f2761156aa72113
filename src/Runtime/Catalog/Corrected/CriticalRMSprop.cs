namespace OptimDsl.Optimizers
{
    /// <summary>
    /// Critical-gradient RMSprop, corrected (<c>kappa = 0</c> is exactly <see cref="RMSprop"/>; the current gradient always
    /// enters the update). Compare <see cref="RMSprop_C"/>, <see cref="RMSprop_C_eff"/> and <see cref="CM_RMSprop_C"/>.
    /// </summary>
    [Optimizer(Lr = 1e-2)]
    [WeightDecay(Default = 0.0, Order = WeightDecayOrder.AfterCriticalBuffer)]
    [CriticalBuffer(TopC = 10, Decay = 0.7, Kappa = 1.0, KappaUse = KappaUse.Weight, Structure = CriticalBufferStructure.Slots,
        Aggregation = AggregationRule.Mean, AggregationArgument = true, Synced = true)]
    [SecondMoment(Beta = 0.99, Name = "alpha", Centered = true)]
    [Epsilon(1e-8)]
    [Momentum(Default = 0.0, Input = MomentInput.Preconditioned)]
    [Maximize]
    public sealed partial class CriticalRMSprop
    {
    }
}
