namespace OptimDsl.Optimizers
{
    /// <summary>AdamW (Loshchilov and Hutter, 2019): Adam with decoupled weight decay, as <c>torch.optim.AdamW</c>.</summary>
    [Optimizer(Lr = 1e-3)]
    [WeightDecay(Default = 0.01, Mode = WeightDecayMode.Decoupled)]
    [FirstMoment(Beta = 0.9)]
    [SecondMoment(Beta = 0.999)]
    [AmsGrad]
    [BiasCorrection]
    [Epsilon(1e-8)]
    [Maximize]
    [Reproduces("torch.AdamW")]
    public sealed partial class AdamW
    {
    }
}
