namespace OptimDsl.Optimizers
{
    /// <summary>
    /// SM3-II (Anil et al., 2019) as Enealor/PyTorch-SM3 implements it: cover-set accumulators (memory Σ dims per tensor),
    /// <c>eps</c> inside the square root, momentum with (1 - momentum) dampening, optional moving average <c>beta</c>.
    /// Sparse gradients are rejected with <see cref="System.NotSupportedException"/> (the reference's sparse path zeroes
    /// the accumulators of untouched rows).
    /// </summary>
    [Optimizer(Lr = 0.1)]
    [SM3Attribute(Beta = 0.0)]
    [Epsilon(1e-30, Placement = EpsilonPlacement.InsideSqrt)]
    [FirstMoment(Beta = 0.0, Name = "momentum", Input = MomentInput.Preconditioned)]
    [Reproduces("sm3.SM3")]
    public sealed partial class SM3
    {
    }
}
