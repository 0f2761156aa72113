namespace OptimDsl.Optimizers
{
    /// <summary>
    /// Adam with critical momenta, corrected: the first step is a normal Adam step (no silent no-op and no bias-correction
    /// offset), the buffer stores momenta from the start, <c>kappa</c> weights the buffer (<c>kappa = 0</c> is exactly
    /// <see cref="AdamW"/>), true-minimum admission on the device, checkpointed buffer. Compare <see cref="Adam_CM"/>.
    /// The second moment is Adam's (of the gradient): the reference's second moment of the aggregated momentum, divided
    /// by Adam's bias correction, inflates early steps by 1 / (1 - beta1^t) and cannot recover Adam at kappa = 0.
    /// </summary>
    [Optimizer(Lr = 1e-3)]
    [WeightDecay(Default = 0.0, Mode = WeightDecayMode.Decoupled)]
    [FirstMoment(Beta = 0.9)]
    [CriticalBuffer(TopC = 5, Decay = 0.7, Kappa = 1.0, KappaUse = KappaUse.Weight, Source = CriticalSource.Momentum,
        Structure = CriticalBufferStructure.Slots, Aggregation = AggregationRule.Sum,
        RandomReplacement = true, Synced = true)]
    [SecondMoment(Beta = 0.999)]
    [AmsGrad]
    [BiasCorrection]
    [Epsilon(1e-8)]
    [Maximize]
    public sealed partial class CriticalMomentaAdam
    {
    }
}
