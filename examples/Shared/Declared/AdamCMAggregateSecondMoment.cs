namespace OptimDsl.Examples.Shared.Declared
{
    /// <summary>
    /// Declared in the examples (every file of examples/Shared/Declared is compiled into Landscapes and Compare, where the
    /// OptimDsl generator completes it and the registry finds it by name) to separate two ingredients of the reference Adam+CM (<see cref="OptimDsl.Optimizers.Adam_CM"/>):
    /// like the paper's Algorithm 1 and the reference, the second moment tracks the square of the aggregated momentum
    /// <c>m + mean(B)</c> (<c>FeedsSecondMoment</c>); unlike the reference, the first step is a normal Adam step, the
    /// buffer stores momenta from the first step on, and <c>kappa</c> weighs the buffer — as in the catalog's corrected
    /// <see cref="OptimDsl.Optimizers.CriticalMomentaAdam"/>, which instead keeps Adam's second moment of the gradient.
    /// Comparing the three shows which ingredient drives the exploration (docs/LANDSCAPES.md) and what it does on a network (docs/COMPARE.md).
    /// </summary>
    [Optimizer(Lr = 1e-3)]
    [FirstMoment(Beta = 0.9)]
    [CriticalBuffer(TopC = 5, Decay = 0.7, Kappa = 1.0, KappaUse = KappaUse.Weight, Source = CriticalSource.Momentum,
        Structure = CriticalBufferStructure.Slots, Aggregation = AggregationRule.Sum, FeedsSecondMoment = true, Synced = true)]
    [SecondMoment(Beta = 0.999)]
    [BiasCorrection]
    [Epsilon(1e-8)]
    public sealed partial class AdamCMAggregateSecondMoment
    {
    }
}
