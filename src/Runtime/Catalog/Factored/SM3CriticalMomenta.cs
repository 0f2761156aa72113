namespace OptimDsl.Optimizers
{
    /// <summary>
    /// New variant (in none of the references): SM3's memory-light second moment with critical momenta. The update is
    /// <c>(m + kappa·mean(B)) / sqrt(nu + eps)</c> with <c>m</c> a bias-corrected moving average of gradients, <c>B</c> a slot
    /// buffer of the top-<c>topC</c> momenta and <c>nu</c> SM3's cover-set estimate of the squared gradient.
    /// </summary>
    [Optimizer(Lr = 0.1)]
    [FirstMoment(Beta = 0.9)]
    [BiasCorrection]
    [CriticalBuffer(TopC = 5, Decay = 0.7, Kappa = 1.0, KappaUse = KappaUse.Weight, Source = CriticalSource.Momentum,
        Structure = CriticalBufferStructure.Slots, Aggregation = AggregationRule.Sum, Synced = true)]
    [SM3Attribute(Beta = 0.0)]
    [Epsilon(1e-30, Placement = EpsilonPlacement.InsideSqrt)]
    [Maximize]
    public sealed partial class SM3CriticalMomenta
    {
    }
}
