using System;
using System.Collections.Generic;

namespace OptimDsl.Examples.Landscapes.Experiments
{
    /// <summary>Seeded random initial points (System.Random only, so a seed gives the same point on every machine).</summary>
    internal static class InitialPoints
    {
        /// <summary>
        /// The initial point of <paramref name="seed"/>: uniform in the square [−<paramref name="halfWidth"/>,
        /// <paramref name="halfWidth"/>]², drawn again while it is closer than <paramref name="minimumRadius"/> to the
        /// origin (so a run starts outside the global well, several local minima away).
        /// </summary>
        public static double[] UniformOutsideDisc(int seed, double halfWidth, double minimumRadius)
        {
            if (!(minimumRadius < halfWidth))
            {
                throw new ArgumentOutOfRangeException(nameof(minimumRadius), minimumRadius, "The excluded disc must fit inside the square.");
            }

            var random = new Random(seed);
            while (true)
            {
                double x = halfWidth * (2 * random.NextDouble() - 1);
                double y = halfWidth * (2 * random.NextDouble() - 1);
                if (x * x + y * y >= minimumRadius * minimumRadius) return new[] { x, y };
            }
        }

        /// <summary>The initial points of seeds 0 … <paramref name="count"/> − 1.</summary>
        public static IReadOnlyList<double[]> Seeds(int count, double halfWidth, double minimumRadius)
        {
            var points = new double[count][];
            for (int seed = 0; seed < count; seed++) points[seed] = UniformOutsideDisc(seed, halfWidth, minimumRadius);
            return points;
        }
    }
}
