using System;
using System.Collections.Generic;
using OptimDsl.Examples.Landscapes.Functions;
using OptimDsl.Examples.Shared;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Examples.Landscapes
{
    /// <summary>Runs an optimizer on a toy surface in float64: a parameter holding the point, autograd for the gradient.</summary>
    internal static class TrajectoryRunner
    {
        /// <summary>
        /// Takes <paramref name="steps"/> optimizer steps from <paramref name="initial"/> (one or two coordinates, as the
        /// surface has): each step is <c>zero_grad</c>, the loss of the point, <c>backward</c>, <c>step</c>.
        /// </summary>
        public static Trajectory Run(ILossSurface surface, OptimizerEntry optimizer, OptimizerSettings settings, IReadOnlyList<double> initial, int steps)
        {
            if (initial.Count != surface.Dimensions)
            {
                throw new ArgumentException($"{surface.Name} takes {surface.Dimensions} coordinate(s); the initial point has {initial.Count}.", nameof(initial));
            }

            var start = new double[surface.Dimensions];
            for (int i = 0; i < start.Length; i++) start[i] = initial[i];

            using var point = new Parameter(torch.tensor(start, dtype: ScalarType.Float64));
            using torch.optim.Optimizer stepper = optimizer.Create(new[] { point }, settings);
            var points = new double[steps + 1][];
            var losses = new double[steps + 1];
            for (int k = 0; k <= steps; k++)
            {
                using var scope = torch.NewDisposeScope();
                stepper.zero_grad();
                Tensor loss = surface.Evaluate(point);
                points[k] = point.detach().data<double>().ToArray();
                losses[k] = loss.item<double>();
                if (k == steps) break;
                loss.backward();
                stepper.step();
            }

            return new Trajectory(surface, optimizer.Name, settings, points, losses);
        }
    }
}
