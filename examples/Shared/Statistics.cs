using System;
using System.Collections.Generic;
using System.Linq;

namespace OptimDsl.Examples.Shared
{
    /// <summary>Mean and standard deviation across seeds (or any sample), and their invariant-culture text.</summary>
    public static class Statistics
    {
        /// <summary>
        /// The mean and the sample standard deviation (n − 1 in the denominator; 0 for a single value) of
        /// <paramref name="values"/>. NaN in, NaN out.
        /// </summary>
        public static (double Mean, double StandardDeviation) MeanAndStandardDeviation(IReadOnlyCollection<double> values)
        {
            if (values.Count == 0)
            {
                throw new ArgumentException("The mean of no values is undefined.", nameof(values));
            }

            double mean = values.Average();
            if (values.Count == 1) return (mean, 0);
            double sumOfSquares = values.Sum(v => (v - mean) * (v - mean));
            return (mean, Math.Sqrt(sumOfSquares / (values.Count - 1)));
        }

        /// <summary>
        /// Element-wise mean and standard deviation of several equally long series (one per seed), e.g. loss curves:
        /// <c>result[k]</c> summarises <c>series[*][k]</c>.
        /// </summary>
        public static (double[] Mean, double[] StandardDeviation) PointwiseMeanAndStandardDeviation(IReadOnlyList<IReadOnlyList<double>> series)
        {
            if (series.Count == 0)
            {
                throw new ArgumentException("At least one series is needed.", nameof(series));
            }

            int length = series[0].Count;
            if (series.Any(s => s.Count != length))
            {
                throw new ArgumentException("All series must have the same length.", nameof(series));
            }

            var mean = new double[length];
            var deviation = new double[length];
            for (int k = 0; k < length; k++)
            {
                (mean[k], deviation[k]) = MeanAndStandardDeviation(series.Select(s => s[k]).ToArray());
            }

            return (mean, deviation);
        }

        /// <summary><c>mean ± std</c> with <paramref name="format"/> (invariant culture), e.g. <c>0.412 ± 0.031</c>.</summary>
        public static string Format((double Mean, double StandardDeviation) summary, string format) =>
            $"{summary.Mean.ToString(format, System.Globalization.CultureInfo.InvariantCulture)} ± {summary.StandardDeviation.ToString(format, System.Globalization.CultureInfo.InvariantCulture)}";
    }
}
