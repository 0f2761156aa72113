namespace OptimDsl.Optimizers
{
    /// <summary>
    /// Exact reproduction of CGOptimizer <c>optim.py</c>'s <c>SGD_C</c> (Critical Gradients, ICLR 2022): heap buffer of
    /// L2-decayed gradients, <c>aggr</c> rule weighted by <c>kappa</c>, PyTorch-style momentum after aggregation.
    /// Differences from the reference, on purpose: <c>kappa = 0</c> keeps momentum (the reference silently drops it), and the
    /// buffer survives checkpoints. See <see cref="CriticalSGD"/> for the corrected variant.
    /// </summary>
    [Optimizer(Lr = 0.001)]
    [WeightDecay(Default = 0.0, Order = WeightDecayOrder.BeforeCriticalBuffer)]
    [CriticalBuffer(TopC = 10, Decay = 0.7, Kappa = 1.0, KappaUse = KappaUse.Weight, Structure = CriticalBufferStructure.Heap,
        Aggregation = AggregationRule.Sum, AggregationArgument = true, Synced = true, BufferDtypeArgument = false)]
    [Momentum(Default = 0.0, Dampening = 0.0)]
    [Reproduces("cg.SGD_C")]
    public sealed partial class SGD_C
    {
    }
}
