namespace OptimDsl.PropertyTests
{
    // Plain SGD + a critical buffer on gradients, generated into this test assembly by the OptimDsl generator (the
    // generator project is referenced as an analyzer). ConvergenceProperties checks docs/CONVERGENCE.md's bound on them.
    // Keep in sync with BoundSgdSource.Text, which the planted-bug tests run through the in-process generator.

    [Optimizer(Lr = 0.01)]
    [CriticalBuffer(Structure = CriticalBufferStructure.Slots, AggregationArgument = true, KappaUse = KappaUse.Weight, Source = CriticalSource.Gradient, MaxAge = 1)]
    public sealed partial class BoundSgdSlots
    {
    }

    [Optimizer(Lr = 0.01)]
    [CriticalBuffer(Structure = CriticalBufferStructure.Heap, AggregationArgument = true, KappaUse = KappaUse.Weight, Source = CriticalSource.Gradient, MaxAge = 1)]
    public sealed partial class BoundSgdHeap
    {
    }

    /// <summary>The declarations above as text, for the in-process generator (mutated variants).</summary>
    public static class BoundSgdSource
    {
        public const string Text = @"namespace OptimDsl.PropertyTests.Mutated
{
    using OptimDsl;

    [Optimizer(Lr = 0.01)]
    [CriticalBuffer(Structure = CriticalBufferStructure.Slots, AggregationArgument = true, KappaUse = KappaUse.Weight, Source = CriticalSource.Gradient, MaxAge = 1)]
    public sealed partial class BoundSgdSlots
    {
    }

    [Optimizer(Lr = 0.01)]
    [CriticalBuffer(Structure = CriticalBufferStructure.Heap, AggregationArgument = true, KappaUse = KappaUse.Weight, Source = CriticalSource.Gradient, MaxAge = 1)]
    public sealed partial class BoundSgdHeap
    {
    }
}
";
    }
}
