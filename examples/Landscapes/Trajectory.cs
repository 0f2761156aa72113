using OptimDsl.Examples.Landscapes.Functions;
using OptimDsl.Examples.Shared;

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
}
