using System;
using System.Linq;

namespace OptimDsl.PropertyTests.Reference
{
    /// <summary>
    /// SM3-II accumulators of one parameter (docs/DSL.md step 12; ALGORITHMS.md §4.3, §4.5): one accumulator per
    /// dimension (co-dimension-one slices) for rank ≥ 2, a full accumulator for rank ≤ 1.
    /// </summary>
    public sealed class Sm3Reference
    {
        private readonly int[] _shape;
        private readonly double[][] _acc;

        public Sm3Reference(int[] shape)
        {
            _shape = shape;
            _acc = shape.Length >= 2
                ? shape.Select(n => new double[n]).ToArray()
                : new[] { new double[RefTensor.Numel(shape)] };
        }

        /// <summary>Updates the accumulators with x and returns ν (what the denominator is built from).</summary>
        public double[] Update(double[] x, double beta)
        {
            if (_shape.Length <= 1)
            {
                // β = 0: acc ← acc + x², ν = acc (diagonal AdaGrad). β > 0: ν = β·acc + (1 − β)·x² and acc ← max(acc, ν),
                // as the PyTorch ports do for every accumulator (ALGORITHMS.md §4.5; the recorded oracle
                // refvectors/sm3_SM3_2.json, which has a rank-1 tensor, agrees to 1e-16). docs/DSL.md step 12 says
                // "acc ← β·acc + (1 − β)·x², ν = acc" for rank ≤ 1, which the oracle contradicts (reported).
                double[] diag = beta > 0 ? V.Ema(_acc[0], beta, V.Square(x)) : V.Add(_acc[0], V.Square(x));
                _acc[0] = beta > 0 ? V.Max(_acc[0], diag) : diag;
                return V.Copy(diag);
            }

            int rank = _shape.Length;
            var nu = new double[x.Length];
            var index = new int[rank];
            for (int e = 0; e < x.Length; e++)
            {
                Unravel(e, index);
                double min = double.PositiveInfinity;
                for (int k = 0; k < rank; k++)
                {
                    min = Math.Min(min, _acc[k][index[k]]);
                }

                nu[e] = beta > 0 ? beta * min + (1 - beta) * x[e] * x[e] : min + x[e] * x[e];
            }

            var fresh = _shape.Select(n => Enumerable.Repeat(double.NegativeInfinity, n).ToArray()).ToArray();
            for (int e = 0; e < x.Length; e++)
            {
                Unravel(e, index);
                for (int k = 0; k < rank; k++)
                {
                    fresh[k][index[k]] = Math.Max(fresh[k][index[k]], nu[e]);
                }
            }

            for (int k = 0; k < rank; k++)
            {
                _acc[k] = beta > 0 ? V.Max(_acc[k], fresh[k]) : fresh[k];
            }

            return nu;
        }

        private void Unravel(int flat, int[] index)
        {
            for (int k = _shape.Length - 1; k >= 0; k--)
            {
                index[k] = flat % _shape[k];
                flat /= _shape[k];
            }
        }
    }
}
