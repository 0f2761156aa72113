using System;
using System.Collections.Generic;
using System.Linq;
using OptimDsl.Examples.Landscapes.Experiments;
using OptimDsl.Examples.Landscapes.Functions;
using ScottPlot;

namespace OptimDsl.Examples.Landscapes.Plots
{
    /// <summary>Figure 2: the first steps of a few runs up close on the Ackley surface, a dot per step.</summary>
    internal static class AckleyFirstStepsFigure
    {
        /// <summary>
        /// Writes the first <paramref name="steps"/> steps of <paramref name="runs"/>, each in the colour of its optimizer's
        /// position in <paramref name="colorIndices"/> (the same as in Figure 4).
        /// </summary>
        public static void Write(string path, Ackley surface, IReadOnlyList<Trajectory> runs, IReadOnlyList<int> colorIndices, int steps)
        {
            var shown = runs.SelectMany(r => r.Points.Take(steps + 1)).ToArray();
            double xMin = shown.Min(p => p[0]), xMax = shown.Max(p => p[0]);
            double yMin = shown.Min(p => p[1]), yMax = shown.Max(p => p[1]);
            double half = Math.Max(1.0, Math.Max(xMax - xMin, yMax - yMin) / 2 + 0.4);
            double cx = (xMin + xMax) / 2, cy = (yMin + yMax) / 2;

            var plot = new Plot();
            SurfacePanel.Draw(plot, surface, f => f, "f(x, y)", (cx - half, cx + half, cy - half, cy + half));
            for (int i = 0; i < runs.Count; i++)
            {
                Trajectory run = runs[i];
                string label = $"{OptimizerStyle.Label(run.Optimizer)}: f = {Format.Number(run.Losses[0], "F2")} → {Format.Number(run.Losses[steps], "F2")}";
                SurfacePanel.AddTrajectory(plot, run, OptimizerStyle.Color(colorIndices[i]), label, steps, stepMarkers: true);
            }

            plot.Title($"Ackley: first {steps} steps from {Format.Point(runs[0].Initial, "0.##")}", size: 15);
            plot.Legend.Alignment = Alignment.LowerLeft;
            plot.Legend.FontSize = 12;
            plot.ShowLegend();
            plot.Axes.SquareUnits();
            plot.SavePng(path, 760, 700);
        }
    }
}
