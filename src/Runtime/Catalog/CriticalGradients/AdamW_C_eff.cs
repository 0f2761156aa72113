namespace OptimDsl.Optimizers
{
    /// <summary>Exact reproduction of CGOptimizer <c>optim_eff.py</c>'s <c>AdamW_C_eff</c>: <see cref="Adam_C_eff"/> with decoupled weight decay.</summary>
    [Optimizer(Lr = 1e-3)]
    [WeightDecay(Default = 0.01, Mode = WeightDecayMode.Decoupled)]
    [CriticalBuffer(TopC = 20, Decay = 0.99, Kappa = 1.0, KappaUse = KappaUse.Switch, Structure = CriticalBufferStructure.Slots,
        Aggregation = AggregationRule.Sum, Synced = true)]
    [FirstMoment(Beta = 0.9)]
    [SecondMoment(Beta = 0.999)]
    [AmsGrad]
    [BiasCorrection]
    [Epsilon(1e-8)]
    [Reproduces("cge.AdamW_C_eff")]
    public sealed partial class AdamW_C_eff
    {
    }
}
