namespace OptimDsl.Examples.Quickstart
{
    /// <summary>
    /// An optimizer that is not in the catalog, declared in six lines: AdamW (decoupled weight decay, bias-corrected
    /// first and second moments) whose update uses the first moment plus the mean of a buffer of the 5 "critical"
    /// momenta with the largest gradient norms (priorities decay by 0.7 every step; <c>kappa</c> weighs the buffer term,
    /// so <c>kappa: 0</c> is exactly AdamW).
    /// </summary>
    /// <remarks>
    /// The OptimDsl source generator completes this class at compile time into a TorchSharp optimizer with the usual
    /// constructor (<c>new MyAdamWithCriticalMomenta(model.parameters(), lr: 1e-2, topC: 10, kappa: 0.5)</c>),
    /// <c>step()</c>, <c>zero_grad()</c>, parameter groups, checkpoints and LR-scheduler support. Build with
    /// <c>EmitCompilerGeneratedFiles</c> (set in this project) to read the generated code under <c>obj/</c>.
    /// </remarks>
    [Optimizer(Lr = 1e-3)]
    [WeightDecay(Mode = WeightDecayMode.Decoupled, Default = 0.01)]
    [FirstMoment(Beta = 0.9)]
    [SecondMoment(Beta = 0.999)]
    [BiasCorrection]
    [Epsilon(1e-8)]
    [CriticalBuffer(Source = CriticalSource.Momentum, TopC = 5, Decay = 0.7, KappaUse = KappaUse.Weight)]
    public sealed partial class MyAdamWithCriticalMomenta
    {
    }
}
