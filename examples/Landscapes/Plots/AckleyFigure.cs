using System.Collections.Generic;
using System.Linq;
using OptimDsl.Examples.Landscapes.Experiments;
using OptimDsl.Examples.Landscapes.Functions;
using OptimDsl.Examples.Shared;
using ScottPlot;

namespace OptimDsl.Examples.Landscapes.Plots
{
    /// <summary>
    /// Figure 4: the loss per step averaged over the seeds (mean line, ± one standard deviation band) for each optimizer,
    /// and the trajectories of the first seed on the Ackley surface.
    /// </summary>
    internal static class AckleyFigure
    {
        public static void Write(string path, Ackley surface, ExperimentSettings settings, IReadOnlyList<Trajectory[]> byOptimizer, string startsName)
        {
            var curves = new Plot();
            var paths = new Plot();
            SurfacePanel.Draw(paths, surface, f => f, "f(x, y)");
            for (int i = 0; i < byOptimizer.Count; i++)
            {
                Trajectory[] runs = byOptimizer[i];
                Color color = OptimizerStyle.Color(i);
                string label = OptimizerStyle.Label(settings.Optimizers[i]);
                var (mean, deviation) = Statistics.PointwiseMeanAndStandardDeviation(runs.Select(r => (IReadOnlyList<double>)r.Losses).ToArray());
                double[] steps = Enumerable.Range(0, mean.Length).Select(k => (double)k).ToArray();
                var band = curves.Add.FillY(steps, mean.Zip(deviation, (m, s) => m - s).ToArray(), mean.Zip(deviation, (m, s) => m + s).ToArray());
                band.FillColor = color.WithAlpha(0.15);
                band.LineWidth = 0;
                var line = curves.Add.Scatter(steps, mean, color);
                line.MarkerSize = 0;
                line.LineWidth = 2;
                line.LegendText = label;

                SurfacePanel.AddTrajectory(paths, runs[0], color, label);
            }

            curves.Title($"Ackley: loss per step, mean ± std over {byOptimizer[0].Length} {startsName}", size: 14);
            curves.XLabel("step");
            curves.YLabel("f(x, y)");
            curves.Axes.SetLimitsY(0, 13);
            curves.Legend.FontSize = 12;
            curves.ShowLegend(Edge.Bottom);

            paths.Title($"Trajectories of {(startsName == "seeds" ? "seed 0" : "the first initial point")}, from {Format.Point(byOptimizer[0][0].Initial, "0.##")}, {settings.Steps} steps", size: 14);
            paths.Legend.IsVisible = false;
            FigureLayout.SaveGrid(path, new[] { curves, paths }, columns: 2, panelWidth: 720, panelHeight: 700);
        }
    }
}
