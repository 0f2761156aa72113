namespace OptimDsl.Optimizers
{
    /// <summary>RMSprop (Hinton) with optional centering and momentum, as <c>torch.optim.RMSprop</c>.</summary>
    [Optimizer(Lr = 1e-2)]
    [SecondMoment(Beta = 0.99, Name = "alpha", Centered = true)]
    [Epsilon(1e-8)]
    [WeightDecay(Default = 0.0)]
    [Momentum(Default = 0.0, Input = MomentInput.Preconditioned)]
    [Maximize]
    [Reproduces("torch.RMSprop")]
    public sealed partial class RMSprop
    {
    }
}
