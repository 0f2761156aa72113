namespace OptimDsl.Optimizers
{
    /// <summary>Adam (Kingma and Ba, 2015) with L2 weight decay and AMSGrad, as <c>torch.optim.Adam</c>.</summary>
    [Optimizer(Lr = 1e-3)]
    [WeightDecay(Default = 0.0)]
    [FirstMoment(Beta = 0.9)]
    [SecondMoment(Beta = 0.999)]
    [AmsGrad]
    [BiasCorrection]
    [Epsilon(1e-8)]
    [Maximize]
    [Reproduces("torch.Adam")]
    public sealed partial class Adam
    {
    }
}
