using System;
using System.Collections.Generic;
using System.Linq;

namespace OptimDsl.Examples.Compare
{
    /// <summary>Where to put the labelled ticks of a logarithmic axis (pure; the figure plots log10 of the values).</summary>
    internal static class LogAxisTicks
    {
        /// <summary>
        /// Readable tick values for a logarithmic axis from <paramref name="low"/> to <paramref name="high"/> (both > 0):
        /// the powers of ten in the range, or 1-2-5 steps, or every digit, or every tenth of a digit, whichever first gives
        /// at least three ticks (thinned to at most twelve).
        /// </summary>
        public static IReadOnlyList<double> Between(double low, double high)
        {
            if (!(low > 0) || !(high >= low))
            {
                throw new ArgumentException("A logarithmic axis needs 0 < low ≤ high.", nameof(low));
            }

            int first = (int)Math.Floor(Math.Log10(low)), last = (int)Math.Ceiling(Math.Log10(high));
            List<double> best = new();
            double[][] steps =
            {
                new[] { 1.0 }, new[] { 1.0, 2, 5 }, new[] { 1.0, 2, 3, 4, 5, 6, 7, 8, 9 },
                Enumerable.Range(10, 90).Select(m => m / 10.0).ToArray(),
            };
            foreach (double[] mantissas in steps)
            {
                best = new List<double>();
                for (int exponent = first; exponent <= last; exponent++)
                {
                    foreach (double mantissa in mantissas)
                    {
                        double value = Math.Round(mantissa * Math.Pow(10, exponent), 12);
                        if (value >= low && value <= high) best.Add(value);
                    }
                }

                if (best.Count >= 3) break;
            }

            return best.Count <= 12 ? best : best.Where((_, i) => i % ((best.Count + 11) / 12) == 0).ToList();
        }
    }
}
