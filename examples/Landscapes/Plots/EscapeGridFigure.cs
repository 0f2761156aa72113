using System.Collections.Generic;
using System.Linq;
using OptimDsl.Examples.Landscapes.Experiments;
using ScottPlot;

namespace OptimDsl.Examples.Landscapes.Plots
{
    /// <summary>
    /// Figure 5: one panel per optimizer; a cell per (sharpness, initial point), green when the run ends in the flat well,
    /// red when it ends in the sharp one, grey when it diverged, with the final x written in the cell.
    /// </summary>
    internal static class EscapeGridFigure
    {
        private static readonly Color FlatColor = Color.FromHex("#1B9E4B");
        private static readonly Color SharpColor = Color.FromHex("#D62728");
        private static readonly Color DivergedColor = Color.FromHex("#7F7F7F");

        public static void Write(string path, EscapeGrid grid, ExperimentSettings settings)
        {
            var panels = new List<Plot>();
            for (int o = 0; o < grid.Optimizers.Count; o++)
            {
                var plot = new Plot();
                for (int s = 0; s < grid.Surfaces.Count; s++)
                {
                    for (int i = 0; i < grid.InitialPoints.Count; i++)
                    {
                        Basin outcome = grid.Outcome(o, s, i);
                        var cell = plot.Add.Rectangle(s - 0.48, s + 0.48, i - 0.48, i + 0.48);
                        cell.FillColor = (outcome switch { Basin.Flat => FlatColor, Basin.Sharp => SharpColor, _ => DivergedColor }).WithAlpha(0.75);
                        cell.LineWidth = 0;
                        string end = outcome == Basin.Diverged ? "diverged" : $"→ {Format.Number(grid.Run(o, s, i).Final[0], "0.00")}";
                        var text = plot.Add.Text(end, s, i);
                        text.LabelFontSize = 13;
                        text.LabelFontColor = Colors.White;
                        text.LabelBold = true;
                        text.LabelAlignment = Alignment.MiddleCenter;
                    }
                }

                var columns = new ScottPlot.TickGenerators.NumericManual();
                for (int s = 0; s < grid.Surfaces.Count; s++) columns.AddMajor(s, Format.Number(grid.Surfaces[s].Sharpness));
                var rows = new ScottPlot.TickGenerators.NumericManual();
                for (int i = 0; i < grid.InitialPoints.Count; i++) rows.AddMajor(i, Format.Number(grid.InitialPoints[i]));
                plot.Axes.Bottom.TickGenerator = columns;
                plot.Axes.Left.TickGenerator = rows;
                plot.Axes.SetLimits(-0.5, grid.Surfaces.Count - 0.5, -0.5, grid.InitialPoints.Count - 0.5);
                plot.Grid.IsVisible = false;
                plot.XLabel("sharpness s (the sharp well is s times narrower)");
                plot.YLabel("initial x");
                var (flatRuns, total) = grid.Count(o, startedOnSharpSide: false);
                plot.Title($"{OptimizerStyle.Label(grid.Optimizers[o])}\n{flatRuns}/{total} end in the flat well (green)", size: 14);
                panels.Add(plot);
            }

            FigureLayout.SaveGrid(path, panels, columns: 3, panelWidth: 560, panelHeight: 500);
        }
    }
}
