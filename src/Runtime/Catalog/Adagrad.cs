namespace OptimDsl.Optimizers
{
    /// <summary>Adagrad (Duchi et al., 2011) with learning-rate decay, as <c>torch.optim.Adagrad</c>.</summary>
    [Optimizer(Lr = 1e-2)]
    [LrDecay(Default = 0.0)]
    [WeightDecay(Default = 0.0)]
    [Accumulator(InitialValue = 0.0)]
    [Epsilon(1e-10)]
    [Maximize]
    [Reproduces("torch.Adagrad")]
    public sealed partial class Adagrad
    {
    }
}
