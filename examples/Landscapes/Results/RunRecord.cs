using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace OptimDsl.Examples.Landscapes.Results
{
    /// <summary>
    /// One run as written to <c>results.json</c>. Points are always two numbers, <c>[x, y]</c>: a one-variable function's
    /// points are written <c>[x, 0]</c> (init and final alike). A non-finite number (a diverged run) is written as null.
    /// </summary>
    /// <param name="Function">The function's name: <c>goldstein-price</c>, <c>ackley</c>, or
    /// <c>flat-sharp(sharpness=S)</c> (the one-variable function with its sharpness).</param>
    /// <param name="Optimizer">The optimizer's registry name, e.g. <c>Adam_CM</c>.</param>
    /// <param name="LearningRate">The learning rate of the run.</param>
    /// <param name="Init">The initial point.</param>
    /// <param name="Final">The point after the last step.</param>
    /// <param name="FinalLoss">The loss at <paramref name="Final"/>.</param>
    internal sealed record RunRecord(
        [property: JsonPropertyName("function")] string Function,
        [property: JsonPropertyName("optimizer")] string Optimizer,
        [property: JsonPropertyName("lr")] double LearningRate,
        [property: JsonPropertyName("init")] IReadOnlyList<double> Init,
        [property: JsonPropertyName("final")] IReadOnlyList<double> Final,
        [property: JsonPropertyName("final_loss")] double FinalLoss)
    {
        /// <summary>The record of a finished run.</summary>
        public static RunRecord From(Trajectory run) => new(
            run.Surface.Name,
            run.Optimizer,
            run.Settings.LearningRate,
            AsPair(run.Initial),
            AsPair(run.Final),
            run.FinalLoss);

        /// <summary>A point as <c>[x, y]</c>, padding a one-coordinate point with y = 0.</summary>
        public static double[] AsPair(IReadOnlyList<double> point) => point.Count switch
        {
            1 => new[] { point[0], 0.0 },
            2 => new[] { point[0], point[1] },
            _ => throw new System.ArgumentException($"A point has 1 or 2 coordinates, not {point.Count}.", nameof(point)),
        };
    }
}
