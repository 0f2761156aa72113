using System;
using System.Linq;

namespace OptimDsl.PropertyTests.Convergence
{
    /// <summary>F(θ) = ½(θ − θ*)ᵀA(θ − θ*) with A = Q·diag(λ)·Qᵀ, Q orthogonal (Gram–Schmidt of a Gaussian matrix), λ ∈ [μ, L].</summary>
    public sealed class Quadratic
    {
        public Quadratic(int d, double mu, double l, Random r)
        {
            Dimension = d;
            double[][] q = GramSchmidt(Enumerable.Range(0, d).Select(_ => Enumerable.Range(0, d).Select(_ => Gaussian(r)).ToArray()).ToArray());
            double[] lambda = Enumerable.Range(0, d).Select(i => i == 0 ? mu : i == 1 ? l : mu + (l - mu) * r.NextDouble()).ToArray();
            A = new double[d, d];
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    double s = 0;
                    for (int k = 0; k < d; k++)
                    {
                        s += q[k][i] * lambda[k] * q[k][j];
                    }

                    A[i, j] = s;
                }
            }

            ThetaStar = Enumerable.Range(0, d).Select(_ => Gaussian(r)).ToArray();
            Theta0 = Enumerable.Range(0, d).Select(_ => 3 * Gaussian(r)).ToArray();
        }

        public int Dimension { get; }

        public double[,] A { get; }

        public double[] ThetaStar { get; }

        public double[] Theta0 { get; }

        /// <summary>∇F(θ) = A(θ − θ*).</summary>
        public double[] Gradient(double[] theta)
        {
            int d = Dimension;
            var diff = new double[d];
            for (int i = 0; i < d; i++)
            {
                diff[i] = theta[i] - ThetaStar[i];
            }

            var g = new double[d];
            for (int i = 0; i < d; i++)
            {
                double s = 0;
                for (int j = 0; j < d; j++)
                {
                    s += A[i, j] * diff[j];
                }

                g[i] = s;
            }

            return g;
        }

        /// <summary>δ = ‖θ − θ*‖.</summary>
        public double Distance(double[] theta) => Math.Sqrt(theta.Select((x, i) => (x - ThetaStar[i]) * (x - ThetaStar[i])).Sum());

        // Rows of the result are orthonormal (modified Gram–Schmidt, twice for accuracy).
        private static double[][] GramSchmidt(double[][] rows)
        {
            int d = rows.Length;
            for (int pass = 0; pass < 2; pass++)
            {
                for (int i = 0; i < d; i++)
                {
                    for (int j = 0; j < i; j++)
                    {
                        double dot = rows[i].Select((x, k) => x * rows[j][k]).Sum();
                        rows[i] = rows[i].Select((x, k) => x - dot * rows[j][k]).ToArray();
                    }

                    double norm = Math.Sqrt(rows[i].Sum(x => x * x));
                    rows[i] = rows[i].Select(x => x / norm).ToArray();
                }
            }

            return rows;
        }

        private static double Gaussian(Random r) =>
            Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
    }
}
