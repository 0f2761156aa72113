using System;
using System.Collections.Generic;
using System.Linq;
using OptimDsl.Examples.Landscapes.Experiments;
using OptimDsl.Examples.Landscapes.Functions;
using ScottPlot;

namespace OptimDsl.Examples.Landscapes.Plots
{
    /// <summary>
    /// Figure 1: one panel per optimizer, each with log10 of Goldstein–Price and the trajectories from every initial point
    /// (one colour per initial point, the same in every panel); black squares are the starts, the black diamond the
    /// global minimum, the circles the final points.
    /// </summary>
    internal static class GoldsteinPriceFigure
    {
        public static void Write(string path, GoldsteinPrice surface, ExperimentSettings settings, IReadOnlyList<double[]> initialPoints, IReadOnlyList<Trajectory> runs)
        {
            var panels = new List<Plot>();
            foreach (string optimizer in settings.Optimizers)
            {
                Trajectory[] mine = runs.Where(r => r.Optimizer == optimizer).ToArray();
                var plot = new Plot();
                SurfacePanel.Draw(plot, surface, Math.Log10, "log10 f(x, y)");
                foreach (double[] minimum in GoldsteinPriceExperiment.Minima.Where(m => !m.IsGlobal).Select(m => m.Point))
                {
                    plot.Add.Marker(minimum[0], minimum[1], MarkerShape.OpenDiamond, 11, Colors.Black);
                }

                for (int i = 0; i < mine.Length; i++)
                {
                    int start = IndexOf(initialPoints, mine[i].Initial);
                    SurfacePanel.AddTrajectory(plot, mine[i], OptimizerStyle.Color(start), $"from {Format.Point(mine[i].Initial)}");
                }

                int reached = GoldsteinPriceExperiment.GlobalCount(mine);
                int diverged = mine.Count(r => !double.IsFinite(r.FinalLoss));
                plot.Title(
                    $"{OptimizerStyle.Label(optimizer)}\n{reached}/{mine.Length} runs end at the global minimum" + (diverged > 0 ? $", {diverged} diverged" : string.Empty),
                    size: 14);
                plot.Legend.Alignment = Alignment.UpperLeft;
                plot.Legend.FontSize = 11;
                plot.Legend.IsVisible = panels.Count == 0 && initialPoints.Count <= 7;
                panels.Add(plot);
            }

            FigureLayout.SaveGrid(path, panels, columns: 3, panelWidth: 560, panelHeight: 520);
        }

        private static int IndexOf(IReadOnlyList<double[]> points, double[] point)
        {
            for (int i = 0; i < points.Count; i++)
            {
                if (points[i].SequenceEqual(point)) return i;
            }

            return 0;
        }
    }
}
