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

namespace OptimDsl.Tests.NonFinite
{
    // [SkipNonFinite] on both kinds of kernels (element-wise, row-walking), with lazily created state and both buffer structures.

    /// <summary>Adam with critical momenta in slots, AMSGrad, skipping non-finite steps by default.</summary>
    [Optimizer(Lr = 1e-2)]
    [SkipNonFinite]
    [WeightDecay(Default = 0.01, Mode = WeightDecayMode.Decoupled)]
    [FirstMoment(Beta = 0.9)]
    [CriticalBuffer(Source = CriticalSource.Momentum, TopC = 3, Decay = 0.9)]
    [SecondMoment(Beta = 0.999)]
    [AmsGrad]
    [BiasCorrection]
    [Epsilon(1e-8)]
    public sealed partial class SkippingAdamCM
    {
    }

    /// <summary>SGD with heavy-ball momentum (created by its first step) and a heap buffer; skipping off unless asked for.</summary>
    [Optimizer(Lr = 1e-2)]
    [SkipNonFinite(Default = false)]
    [WeightDecay(Default = 1e-3)]
    [CriticalBuffer(Structure = CriticalBufferStructure.Heap, TopC = 3, Decay = 0.9)]
    [Momentum(Default = 0.9)]
    public sealed partial class SkippingHeapSgd
    {
    }

    /// <summary>SM3 with a momentum of the preconditioned update (row-walking kernels).</summary>
    [Optimizer(Lr = 0.1)]
    [SkipNonFinite]
    [SM3]
    [Epsilon(1e-30, Placement = EpsilonPlacement.InsideSqrt)]
    [FirstMoment(Beta = 0.5, Name = "momentum", Input = MomentInput.Preconditioned)]
    public sealed partial class SkippingSM3
    {
    }

    /// <summary>Adafactor with a first moment (row-walking kernels, factored state).</summary>
    [Optimizer]
    [SkipNonFinite]
    [Adafactor]
    public sealed partial class SkippingAdafactor
    {
    }
}
