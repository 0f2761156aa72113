using System;
using System.Collections.Generic;
using System.Linq;
using OptimDsl.Examples.Shared;
using ScottPlot;

namespace OptimDsl.Examples.Compare
{
    /// <summary>
    /// A metric per epoch for each optimizer: the mean across seeds as a line and ± one standard deviation as a band.
    /// </summary>
    internal static class CurvesFigure
    {
        // Colour-blind-friendly (Okabe–Ito, without its yellow).
        private static readonly Color[] Palette =
        {
            Color.FromHex("#0072B2"), Color.FromHex("#E69F00"), Color.FromHex("#D55E00"), Color.FromHex("#009E73"),
            Color.FromHex("#CC79A7"), Color.FromHex("#56B4E9"), Color.FromHex("#000000"),
        };

        /// <summary>
        /// Writes the curves of <paramref name="metric"/> to <paramref name="path"/>; with <paramref name="logarithmic"/>
        /// the y axis is logarithmic (the band's lower edge is kept above zero); the band never goes above
        /// <paramref name="upperBound"/> (100 % for an accuracy). The legend goes in the <paramref name="legendCorner"/>.
        /// </summary>
        public static void Write(
            string path,
            IReadOnlyList<TrainingRun> runs,
            Func<EpochResult, double> metric,
            string title,
            string yLabel,
            bool logarithmic,
            Alignment legendCorner,
            double upperBound = double.PositiveInfinity)
        {
            var plot = new Plot();
            double lowest = double.PositiveInfinity, highest = double.NegativeInfinity;
            string[] optimizers = runs.Select(r => r.Optimizer).Distinct().ToArray();
            for (int o = 0; o < optimizers.Length; o++)
            {
                TrainingRun[] mine = runs.Where(r => r.Optimizer == optimizers[o]).ToArray();
                var (mean, deviation) = Statistics.PointwiseMeanAndStandardDeviation(
                    mine.Select(r => (IReadOnlyList<double>)r.Epochs.Select(metric).ToArray()).ToArray());
                double[] epochs = mine[0].Epochs.Select(e => (double)e.Epoch).ToArray();
                double[] low = mean.Zip(deviation, (m, s) => m - s).ToArray();
                double[] high = mean.Zip(deviation, (m, s) => Math.Min(m + s, upperBound)).ToArray();
                double[] line = mean;
                if (logarithmic)
                {
                    low = low.Zip(mean, (l, m) => Math.Log10(l > 0 ? l : m / 10)).ToArray();
                    high = high.Select(Math.Log10).ToArray();
                    line = mean.Select(Math.Log10).ToArray();
                }

                foreach (double value in low.Concat(high).Where(double.IsFinite))
                {
                    lowest = Math.Min(lowest, value);
                    highest = Math.Max(highest, value);
                }

                Color color = Palette[o % Palette.Length];
                var band = plot.Add.FillY(epochs, low, high);
                band.FillColor = color.WithAlpha(0.18);
                band.LineWidth = 0;
                var curve = plot.Add.Scatter(epochs, line, color);
                curve.LineWidth = 2;
                curve.MarkerSize = epochs.Length <= 30 ? 5 : 0;
                curve.LegendText = $"{optimizers[o]} ({mine.Length} seeds)";
            }

            // A diverged optimizer (NaN or infinite losses) draws nothing; the axis follows the finite values.
            if (logarithmic && lowest <= highest)
            {
                var ticks = new ScottPlot.TickGenerators.NumericManual();
                foreach (double value in LogAxisTicks.Between(Math.Pow(10, lowest), Math.Pow(10, highest)))
                {
                    ticks.AddMajor(Math.Log10(value), value.ToString("G3", System.Globalization.CultureInfo.InvariantCulture));
                }

                plot.Axes.Left.TickGenerator = ticks;
            }

            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

            plot.Title(title, size: 15);
            plot.XLabel("epoch");
            plot.YLabel(yLabel);
            plot.Legend.FontSize = 13;
            plot.Legend.Alignment = legendCorner;
            plot.ShowLegend();
            plot.SavePng(path, 1000, 600);
        }
    }
}
