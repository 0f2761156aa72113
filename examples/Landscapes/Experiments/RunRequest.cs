using System.Collections.Generic;
using System.Linq;
using OptimDsl.Examples.Landscapes.Functions;
using OptimDsl.Examples.Shared;

namespace OptimDsl.Examples.Landscapes.Experiments
{
    /// <summary>One run to make: an optimizer, its settings, a surface, an initial point and a number of steps.</summary>
    internal sealed record RunRequest(ILossSurface Surface, OptimizerEntry Optimizer, OptimizerSettings Settings, double[] Initial, int Steps)
    {
        /// <summary>
        /// Makes every run of <paramref name="requests"/>, one after the other, and returns them in request order.
        /// Not in parallel: with other threads allocating, the garbage collector runs more often during native calls, and
        /// TorchSharp 0.107 methods that pass a temporary Scalar to libtorch without keeping it alive (see
        /// <see cref="TensorArithmetic"/>; the optimizers' steps call some) then read freed memory more often.
        /// </summary>
        public static IReadOnlyList<Trajectory> RunAll(IReadOnlyList<RunRequest> requests) =>
            requests.Select(r => TrajectoryRunner.Run(r.Surface, r.Optimizer, r.Settings, r.Initial, r.Steps)).ToArray();
    }
}
