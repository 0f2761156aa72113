using System.Collections.Generic;
using System.Linq;
using OptimDsl.Examples.Landscapes.Experiments;
using OptimDsl.Examples.Landscapes.Functions;
using ScottPlot;

namespace OptimDsl.Examples.Landscapes.Plots
{
    /// <summary>The flat–sharp function for each sharpness of the grid, with the initial points as dotted lines.</summary>
    internal static class FlatSharpFunctionFigure
    {
        public static void Write(string path, IReadOnlyList<FlatSharp> surfaces, IReadOnlyList<double> initialPoints)
        {
            var plot = new Plot();
            var colormap = new ScottPlot.Colormaps.Viridis();
            for (int s = 0; s < surfaces.Count; s++)
            {
                var (x, loss) = surfaces[s].Curve(1201);
                var line = plot.Add.Scatter(x, loss, colormap.GetColor(surfaces.Count == 1 ? 0 : 0.85 * s / (surfaces.Count - 1)));
                line.MarkerSize = 0;
                line.LineWidth = 2;
                line.LegendText = $"s = {Format.Number(surfaces[s].Sharpness)}";
            }

            foreach (double x in initialPoints)
            {
                plot.Add.VerticalLine(x, 1, Colors.Gray, LinePattern.Dotted);
            }

            plot.Title($"flat–sharp: f(x) = 1 − exp(−{Shifted(FlatSharp.FlatCentre)}²/2w²) − exp(−s²{Shifted(FlatSharp.SharpCentre)}²/2w²) + {Format.Number(FlatSharp.Confinement)}·x², w = {Format.Number(FlatSharp.Width)}", size: 14);
            plot.XLabel($"x   (flat minimum at {Format.Number(FlatSharp.FlatCentre)}, sharp minimum at {Format.Number(FlatSharp.SharpCentre)}; dotted lines: the initial points {string.Join(", ", initialPoints.Select(x => Format.Number(x)))})");
            plot.YLabel("f(x)");
            plot.Legend.Alignment = Alignment.LowerRight;
            plot.ShowLegend();
            plot.SavePng(path, 1000, 520);
        }

        // "(x + 1)" for a centre of −1, "(x − 1)" for 1.
        private static string Shifted(double centre) =>
            centre < 0 ? $"(x + {Format.Number(-centre)})" : $"(x − {Format.Number(centre)})";
    }
}
