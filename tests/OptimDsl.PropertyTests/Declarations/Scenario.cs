using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using OptimDsl.PropertyTests.Reference;

namespace OptimDsl.PropertyTests.Declarations
{
    /// <summary>
    /// Parameters (1–3 tensors, rank 1–3, dims 1–4, values in [−1, 1]) and a gradient sequence (≥ 20 steps, entries in
    /// [−1, 1], with spikes ×10–×100 so that buffers admit and evict; in some scenarios a parameter occasionally has no
    /// gradient). Deterministic in its seed.
    /// </summary>
    public sealed class Scenario
    {
        private Scenario(int seed, RefTensor[] initial, double[]?[][] gradients)
        {
            Seed = seed;
            Initial = initial;
            Gradients = gradients;
        }

        public int Seed { get; }

        public RefTensor[] Initial { get; }

        /// <summary>[step][parameter] → gradient values (null: no gradient).</summary>
        public double[]?[][] Gradients { get; }

        public int Steps => Gradients.Length;

        public static Scenario Create(int seed, int minSteps = 20)
        {
            var r = new Random(seed);
            int count = r.Next(1, 4);
            var initial = new RefTensor[count];
            for (int i = 0; i < count; i++)
            {
                int rank = r.Next(1, 4);
                int[] shape = Enumerable.Range(0, rank).Select(_ => r.Next(1, 5)).ToArray();

                // Now and then a longer last axis, so rows span whole vectors of the fused kernels (8 floats, 4 doubles
                // with AVX2) and a partial last one, not only the partial vector that short rows give.
                if (r.NextDouble() < 0.3)
                {
                    shape[rank - 1] = r.Next(9, 20);
                }

                initial[i] = new RefTensor(Values(r, RefTensor.Numel(shape), 1.0), shape);
            }

            bool missing = count > 1 && r.NextDouble() < 0.3;
            int steps = minSteps + r.Next(0, 5);
            var gradients = new double[]?[steps][];
            for (int s = 0; s < steps; s++)
            {
                double stepSpike = r.NextDouble() < 0.15 ? 10 + 90 * r.NextDouble() : 1.0;
                gradients[s] = new double[]?[count];
                for (int i = 0; i < count; i++)
                {
                    if (missing && s > 0 && r.NextDouble() < 0.1)
                    {
                        continue;
                    }

                    double spike = r.NextDouble() < 0.1 ? 10 + 90 * r.NextDouble() : stepSpike;
                    gradients[s][i] = Values(r, initial[i].Data.Length, spike);
                }
            }

            return new Scenario(seed, initial, gradients);
        }

        public override string ToString() =>
            "scenario " + Seed.ToString(CultureInfo.InvariantCulture) + ": " + Steps + " steps, shapes "
            + string.Join(" ", Initial.Select(t => "[" + string.Join(",", t.Shape) + "]"))
            + (Gradients.Any(g => g.Any(x => x is null)) ? ", some gradients missing" : "");

        private static double[] Values(Random r, int n, double scale)
        {
            var v = new double[n];
            for (int k = 0; k < n; k++)
            {
                double x;
                do
                {
                    x = 2 * r.NextDouble() - 1;
                }
                while (Math.Abs(x) < 1e-3);
                v[k] = scale * x;
            }

            return v;
        }
    }
}
