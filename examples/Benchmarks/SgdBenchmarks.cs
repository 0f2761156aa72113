using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Benchmarks
{
    /// <summary>SGD with heavy-ball momentum: <c>torch.optim.SGD</c> vs <c>OptimDsl.Optimizers.SGD</c> (lr 1e-3, momentum 0.9, no dampening, no weight decay).</summary>
    public class SgdMomentumStep : StepBenchmark
    {
        protected override optim.Optimizer CreateBuiltIn(IEnumerable<Parameter> parameters) =>
            torch.optim.SGD(parameters, 1e-3, momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false, maximize: false);

        protected override optim.Optimizer CreateGenerated(IEnumerable<Parameter> parameters) =>
            new global::OptimDsl.Optimizers.SGD(parameters, lr: 1e-3, momentum: 0.9, dampening: 0, nesterov: false, weight_decay: 0, maximize: false);
    }
}
