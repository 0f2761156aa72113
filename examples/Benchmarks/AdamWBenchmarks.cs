using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Benchmarks
{
    /// <summary>AdamW step: <c>torch.optim.AdamW</c> vs <c>OptimDsl.Optimizers.AdamW</c> (lr 1e-3, betas 0.9/0.999, eps 1e-8, weight decay 0.01).</summary>
    public class AdamWStep : StepBenchmark
    {
        protected override optim.Optimizer CreateBuiltIn(IEnumerable<Parameter> parameters) =>
            torch.optim.AdamW(parameters, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01, amsgrad: false, maximize: false);

        protected override optim.Optimizer CreateGenerated(IEnumerable<Parameter> parameters) =>
            new global::OptimDsl.Optimizers.AdamW(parameters, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01, amsgrad: false, maximize: false);
    }
}
