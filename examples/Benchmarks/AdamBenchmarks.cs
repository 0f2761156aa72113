using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Benchmarks
{
    /// <summary>Adam step: <c>torch.optim.Adam</c> vs <c>OptimDsl.Optimizers.Adam</c> (lr 1e-3, betas 0.9/0.999, eps 1e-8, no weight decay).</summary>
    public class AdamStep : StepBenchmark
    {
        protected override optim.Optimizer CreateBuiltIn(IEnumerable<Parameter> parameters) =>
            torch.optim.Adam(parameters, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false);

        protected override optim.Optimizer CreateGenerated(IEnumerable<Parameter> parameters) =>
            new global::OptimDsl.Optimizers.Adam(parameters, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false);
    }
}
