namespace OptimDsl.Optimizers
{
    /// <summary>Stochastic gradient descent with optional heavy-ball / Nesterov momentum, as <c>torch.optim.SGD</c>.</summary>
    [Optimizer(Lr = 1e-3)]
    [Momentum(Default = 0.0, Dampening = 0.0, Nesterov = false)]
    [WeightDecay(Default = 0.0)]
    [Maximize]
    [Reproduces("torch.SGD")]
    public sealed partial class SGD
    {
    }
}
