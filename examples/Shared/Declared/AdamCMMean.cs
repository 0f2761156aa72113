namespace OptimDsl.Examples.Shared.Declared
{
    /// <summary>
    /// Adam with critical momenta whose update <em>averages</em> the current first moment with the buffer's momenta,
    /// <c>n = (m + κ·ΣB) / (|B| + 1)</c> (<c>Aggregation = Mean</c>), instead of adding their mean,
    /// <c>n = m + κ·mean(B)</c> (<c>Sum</c>, as in <see cref="OptimDsl.Optimizers.CriticalMomentaAdam"/>). The
    /// aggregate is then an average of momenta rather than a momentum plus another, so comparing the two shows how much
    /// of critical momenta's exploration comes from the longer step. The second moment is Adam's (of the gradient).
    /// This is the variant declared in docs/FIRST-VARIANT.md.
    /// </summary>
    [Optimizer(Lr = 1e-3)]
    [FirstMoment(Beta = 0.9)]
    [CriticalBuffer(Source = CriticalSource.Momentum, TopC = 5, Decay = 0.7, Aggregation = AggregationRule.Mean)]
    [SecondMoment(Beta = 0.999)]
    [BiasCorrection]
    [Epsilon(1e-8)]
    public sealed partial class AdamCMMean
    {
    }
}
