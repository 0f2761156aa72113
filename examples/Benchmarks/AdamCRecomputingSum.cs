#if CRITICAL_CATALOG
namespace OptimDsl.Benchmarks
{
    /// <summary>
    /// The catalog's <c>Adam_C</c> with the heap's sum recomputed on every step in the reference's order
    /// (<see cref="CriticalSum.Recompute"/>) instead of kept as a running sum: the cost of the running sum's absence.
    /// </summary>
    [Optimizer(Lr = 1e-3)]
    [WeightDecay(Default = 0.0, Order = WeightDecayOrder.AfterCriticalBuffer)]
    [CriticalBuffer(TopC = 10, Decay = 0.7, Kappa = 1.0, KappaUse = KappaUse.Switch, Structure = CriticalBufferStructure.Heap,
        Aggregation = AggregationRule.Mean, AggregationArgument = true, Synced = true, BufferDtypeArgument = false, Sum = CriticalSum.Recompute)]
    [FirstMoment(Beta = 0.9)]
    [SecondMoment(Beta = 0.999)]
    [AmsGrad]
    [BiasCorrection]
    [Epsilon(1e-8)]
    public sealed partial class AdamCRecomputingSum
    {
    }
}
#endif
