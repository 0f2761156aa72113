namespace OptimDsl.Optimizers
{
    /// <summary>
    /// Exact reproduction of CGOptimizer <c>optim.py</c>'s <c>AdamW_C</c>: <see cref="Adam_C"/> with decoupled weight decay
    /// (default 0.01) applied to the parameter first.
    /// </summary>
    [Optimizer(Lr = 1e-3)]
    [WeightDecay(Default = 0.01, Mode = WeightDecayMode.Decoupled)]
    [CriticalBuffer(TopC = 10, Decay = 0.7, Kappa = 1.0, KappaUse = KappaUse.Switch, Structure = CriticalBufferStructure.Heap,
        Aggregation = AggregationRule.Mean, AggregationArgument = true, Synced = true, BufferDtypeArgument = false)]
    [FirstMoment(Beta = 0.9)]
    [SecondMoment(Beta = 0.999)]
    [AmsGrad]
    [BiasCorrection]
    [Epsilon(1e-8)]
    [Reproduces("cg.AdamW_C")]
    public sealed partial class AdamW_C
    {
    }
}
