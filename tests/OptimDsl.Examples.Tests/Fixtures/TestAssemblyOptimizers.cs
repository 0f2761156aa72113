using OptimDsl;

// Optimizers declared in this test assembly, for the registry's discovery and duplicate-name tests
// (Shared/OptimizerRegistryDiscoveryTests.cs). Each namespace is one situation a user of examples/Shared/Declared can create.

namespace OptimDsl.Examples.Tests.Fixtures.Clash
{
    /// <summary>
    /// Public, concrete, generated: discovered. Its name differs from the catalog's <c>Adam</c> only in case, so a registry
    /// over this assembly must reject it (names are compared without regard to case).
    /// </summary>
    [Optimizer(Lr = 1e-2)]
    [Momentum(Default = 0.9)]
    public sealed partial class ADAM
    {
    }
}

namespace OptimDsl.Examples.Tests.Fixtures.Hidden
{
    /// <summary>Internal: not discovered (only public optimizers are).</summary>
    [Optimizer(Lr = 1e-2)]
    [Momentum(Default = 0.9)]
    internal sealed partial class InternalVariant
    {
    }

    /// <summary>Abstract: not discovered (it cannot be constructed).</summary>
    [Optimizer(Lr = 1e-2)]
    [Momentum(Default = 0.9)]
    public abstract partial class AbstractVariant
    {
    }
}
