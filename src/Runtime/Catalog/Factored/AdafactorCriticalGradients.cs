namespace OptimDsl.Optimizers
{
    /// <summary>
    /// New variant (in none of the references): Adafactor fed with critical gradients — the gradient is aggregated with
    /// a slot buffer of the top-<c>topC</c> gradients (<c>aggr</c> rule, weight <c>kappa</c>) before Adafactor's factored
    /// preconditioning, relative step and clipping.
    /// </summary>
    [Optimizer]
    [CriticalBuffer(TopC = 5, Decay = 0.7, Kappa = 1.0, KappaUse = KappaUse.Weight, Source = CriticalSource.Gradient,
        Structure = CriticalBufferStructure.Slots, Aggregation = AggregationRule.Mean, AggregationArgument = true, Synced = true)]
    [AdafactorAttribute]
    [Maximize]
    public sealed partial class AdafactorCriticalGradients
    {
    }
}
