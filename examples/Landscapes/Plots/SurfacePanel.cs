using System;
using System.Linq;
using OptimDsl.Examples.Landscapes.Functions;
using ScottPlot;

namespace OptimDsl.Examples.Landscapes.Plots
{
    /// <summary>Draws a two-variable surface (grey heatmap, contour lines, colour bar) and trajectories on top of it.</summary>
    internal static class SurfacePanel
    {
        private const int Resolution = 241;

        /// <summary>
        /// Fills <paramref name="plot"/> with <paramref name="surface"/> over <paramref name="region"/> (the surface's
        /// plot region by default): the heatmap of <paramref name="shade"/>(f), contour lines of it, a colour bar labelled
        /// <paramref name="shadeLabel"/>, the global minima as black stars, and axis labels.
        /// </summary>
        public static void Draw(
            Plot plot,
            ILossSurface surface,
            Func<double, double> shade,
            string shadeLabel,
            (double XMin, double XMax, double YMin, double YMax)? region = null)
        {
            var (xMin, xMax, yMin, yMax) = region ?? surface.PlotRegion;
            double[,] values = surface.Grid(Resolution, Resolution, (xMin, xMax, yMin, yMax));
            int rows = values.GetLength(0), columns = values.GetLength(1);
            var shaded = new double[rows, columns];
            var contourPoints = new Coordinates3d[rows, columns];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++)
                {
                    shaded[r, c] = shade(values[r, c]);
                    double x = xMin + (xMax - xMin) * c / (columns - 1);
                    double y = yMax - (yMax - yMin) * r / (rows - 1);
                    contourPoints[r, c] = new Coordinates3d(x, y, shaded[r, c]);
                }
            }

            var heatmap = plot.Add.Heatmap(shaded);
            heatmap.Extent = new CoordinateRect(xMin, xMax, yMin, yMax);
            heatmap.Colormap = new ScottPlot.Colormaps.GrayscaleReversed();
            heatmap.Opacity = 0.55;

            var contours = plot.Add.ContourLines(contourPoints, 14);
            contours.LineColor = Colors.Black.WithAlpha(0.35);
            contours.LineWidth = 1;
            contours.LabelStyle.IsVisible = false;

            var colorBar = plot.Add.ColorBar(heatmap);
            colorBar.Label = shadeLabel;
            colorBar.LabelStyle.FontSize = 13;

            foreach (double[] minimum in surface.GlobalMinima)
            {
                plot.Add.Marker(minimum[0], minimum[1], MarkerShape.FilledDiamond, 14, Colors.Black);
            }

            plot.XLabel("x");
            plot.YLabel("y");
            plot.Axes.SetLimits(xMin, xMax, yMin, yMax);
        }

        /// <summary>
        /// Draws the path of <paramref name="run"/> (its first <paramref name="steps"/> steps, all by default) in
        /// <paramref name="color"/>: a line, a black square at the start, a filled circle at the end, and with
        /// <paramref name="stepMarkers"/> a dot at every step.
        /// </summary>
        public static void AddTrajectory(Plot plot, Trajectory run, Color color, string? legend, int? steps = null, bool stepMarkers = false)
        {
            int count = Math.Min(run.Points.Length, (steps ?? run.Steps) + 1);
            double[] xs = run.Points.Take(count).Select(p => p[0]).ToArray();
            double[] ys = run.Points.Take(count).Select(p => p[1]).ToArray();
            var path = plot.Add.Scatter(xs, ys, color);
            path.LineWidth = 2;
            path.MarkerSize = stepMarkers ? 6 : 0;
            path.LegendText = legend ?? string.Empty;
            plot.Add.Marker(xs[0], ys[0], MarkerShape.FilledSquare, 10, Colors.Black);
            var end = plot.Add.Marker(xs[^1], ys[^1], MarkerShape.FilledCircle, 11, color);
            end.MarkerLineColor = Colors.Black;
            end.MarkerLineWidth = 1.5f;
        }
    }
}
