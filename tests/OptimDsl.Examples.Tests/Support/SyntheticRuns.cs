using System.Collections.Generic;
using System.Linq;
using OptimDsl.Examples.Landscapes;
using OptimDsl.Examples.Landscapes.Functions;
using OptimDsl.Examples.Shared;

namespace OptimDsl.Examples.Tests.Support
{
    /// <summary>
    /// Trajectories written by hand instead of trained, to test what the experiments compute from runs (where a run ends,
    /// path lengths, results.json records) on inputs whose answers are known.
    /// </summary>
    internal static class SyntheticRuns
    {
        /// <summary>A run of <paramref name="optimizer"/> at learning rate <paramref name="learningRate"/> through <paramref name="points"/>, with the surface's true loss at each.</summary>
        public static Trajectory Through(ILossSurface surface, string optimizer, double learningRate, params double[][] points) =>
            new(surface, optimizer, new OptimizerSettings(learningRate), points, points.Select(p => surface.ValueAt(p)).ToArray());

        /// <summary>A run through <paramref name="points"/> with the given losses (not necessarily the surface's).</summary>
        public static Trajectory WithLosses(ILossSurface surface, IReadOnlyList<double> losses, params double[][] points) =>
            new(surface, "Adam", new OptimizerSettings(0.1), points, losses.ToArray());

        /// <summary>A one-variable run from <paramref name="start"/> to <paramref name="end"/> (two points).</summary>
        public static Trajectory FromTo(ILossSurface surface, string optimizer, double start, double end) =>
            new(surface, optimizer, new OptimizerSettings(0.05), new[] { new[] { start }, new[] { end } }, new[] { 0.0, 0.0 });
    }
}
