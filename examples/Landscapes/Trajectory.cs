using System;
using System.Collections.Generic;
using OptimDsl.Examples.Landscapes.Functions;
using OptimDsl.Examples.Shared;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Examples.Landscapes
{
    /// <summary>
    /// One optimization run on a toy surface: the points visited (the initial point first, then one per step) and the loss
    /// at each of them.
    /// </summary>
    /// <param name="Surface">The function optimized.</param>
    /// <param name="Optimizer">The registry name of the optimizer.</param>
    /// <param name="Settings">The optimizer's learning rate and hyper-parameters.</param>
    /// <param name="Points">Points[k] is the position after k steps (Points[0] is the initial point), each with
    /// <see cref="ILossSurface.Dimensions"/> coordinates.</param>
    /// <param name="Losses">Losses[k] is the loss at Points[k].</param>
    internal sealed record Trajectory(ILossSurface Surface, string Optimizer, OptimizerSettings Settings, double[][] Points, double[] Losses)
    {
        /// <summary>The number of optimizer steps taken.</summary>
        public int Steps => Points.Length - 1;

        /// <summary>The initial point.</summary>
        public double[] Initial => Points[0];

        /// <summary>The point after the last step.</summary>
        public double[] Final => Points[^1];

        /// <summary>The loss at the point after the last step.</summary>
        public double FinalLoss => Losses[^1];

        /// <summary>The lowest loss visited, and the step at which it was first visited.</summary>
        public (double Loss, int Step) Best
        {
            get
            {
                int best = 0;
                for (int k = 1; k < Losses.Length; k++)
                {
                    if (Losses[k] < Losses[best]) best = k;
                }

                return (Losses[best], best);
            }
        }
    }

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
