using System;
using System.Collections.Generic;

namespace OptimDsl.Examples.Landscapes.Experiments
{
    /// <summary>A known minimum of a surface, to say where a run ended.</summary>
    /// <param name="Point">Its coordinates.</param>
    /// <param name="Loss">The loss there.</param>
    /// <param name="IsGlobal">Whether it is the global minimum.</param>
    internal sealed record NamedMinimum(double[] Point, double Loss, bool IsGlobal)
    {
        /// <summary>How it reads in a table: <c>global f=3</c> or <c>local f=30</c>.</summary>
        public string Label => $"{(IsGlobal ? "global" : "local")} f={Format.Number(Loss)}";

        /// <summary>
        /// The minimum of <paramref name="minima"/> within <paramref name="tolerance"/> (Euclidean distance) of
        /// <paramref name="point"/>, the nearest one if several; null if none is that close.
        /// </summary>
        public static NamedMinimum? Nearest(IReadOnlyList<double> point, IEnumerable<NamedMinimum> minima, double tolerance)
        {
            NamedMinimum? best = null;
            double bestDistance = double.PositiveInfinity;
            foreach (NamedMinimum minimum in minima)
            {
                double sum = 0;
                for (int i = 0; i < minimum.Point.Length; i++) sum += (point[i] - minimum.Point[i]) * (point[i] - minimum.Point[i]);
                double distance = Math.Sqrt(sum);
                if (distance <= tolerance && distance < bestDistance)
                {
                    best = minimum;
                    bestDistance = distance;
                }
            }

            return best;
        }
    }
}
