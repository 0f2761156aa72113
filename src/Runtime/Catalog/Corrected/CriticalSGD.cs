namespace OptimDsl.Optimizers
{
    /// <summary>
    /// Critical-gradient SGD, corrected: <c>kappa</c> weights the buffer and <c>kappa = 0</c> is exactly
    /// <see cref="SGD"/> (momentum included); a full buffer compares against its true smallest priority (slot buffer,
    /// decided on the device, no host synchronisation); the buffer survives checkpoints; Nesterov and <c>maximize</c> work.
    /// Compare <see cref="SGD_C"/> (exact reproduction).
    /// </summary>
    [Optimizer(Lr = 0.001)]
    [WeightDecay(Default = 0.0, Order = WeightDecayOrder.BeforeCriticalBuffer)]
    [CriticalBuffer(TopC = 10, Decay = 0.7, Kappa = 1.0, KappaUse = KappaUse.Weight, Structure = CriticalBufferStructure.Slots,
        Aggregation = AggregationRule.Sum, AggregationArgument = true, Synced = true)]
    [Momentum(Default = 0.0, Dampening = 0.0, Nesterov = false)]
    [Maximize]
    public sealed partial class CriticalSGD
    {
    }
}
