using OptimDsl;

namespace OptimDsl.Tests.NonFinite
{
    // Adam with a critical buffer, one declaration per structure and source: the non-finite policy is tested on each.

    /// <summary>A heap buffer (CGOptimizer optim.py) of gradients.</summary>
    [Optimizer(Lr = 1e-2)]
    [FirstMoment(Beta = 0.9)]
    [CriticalBuffer(Structure = CriticalBufferStructure.Heap, Source = CriticalSource.Gradient, TopC = 3, Decay = 0.9)]
    [SecondMoment(Beta = 0.999)]
    [BiasCorrection]
    [Epsilon(1e-8)]
    public sealed partial class HeapGradientAdam
    {
    }

    /// <summary>A heap buffer of momenta.</summary>
    [Optimizer(Lr = 1e-2)]
    [FirstMoment(Beta = 0.9)]
    [CriticalBuffer(Structure = CriticalBufferStructure.Heap, Source = CriticalSource.Momentum, TopC = 3, Decay = 0.9)]
    [SecondMoment(Beta = 0.999)]
    [BiasCorrection]
    [Epsilon(1e-8)]
    public sealed partial class HeapMomentumAdam
    {
    }

    /// <summary>A slot buffer (optim_eff.py, CMOptimizer) of gradients.</summary>
    [Optimizer(Lr = 1e-2)]
    [FirstMoment(Beta = 0.9)]
    [CriticalBuffer(Structure = CriticalBufferStructure.Slots, Source = CriticalSource.Gradient, TopC = 3, Decay = 0.9)]
    [SecondMoment(Beta = 0.999)]
    [BiasCorrection]
    [Epsilon(1e-8)]
    public sealed partial class SlotGradientAdam
    {
    }

    /// <summary>A slot buffer of momenta.</summary>
    [Optimizer(Lr = 1e-2)]
    [FirstMoment(Beta = 0.9)]
    [CriticalBuffer(Structure = CriticalBufferStructure.Slots, Source = CriticalSource.Momentum, TopC = 3, Decay = 0.9)]
    [SecondMoment(Beta = 0.999)]
    [BiasCorrection]
    [Epsilon(1e-8)]
    public sealed partial class SlotMomentumAdam
    {
    }
}
