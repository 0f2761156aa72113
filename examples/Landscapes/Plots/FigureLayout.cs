using System;
using System.Collections.Generic;
using System.Linq;
using ScottPlot;

namespace OptimDsl.Examples.Landscapes.Plots
{
    /// <summary>Saves several plots side by side in one PNG (a grid of at most <c>columns</c> panels per row).</summary>
    internal static class FigureLayout
    {
        /// <summary>
        /// Writes <paramref name="panels"/> to <paramref name="path"/> as a grid with <paramref name="columns"/> panels
        /// per row, each <paramref name="panelWidth"/> × <paramref name="panelHeight"/> pixels.
        /// </summary>
        public static void SaveGrid(string path, IReadOnlyList<Plot> panels, int columns, int panelWidth, int panelHeight)
        {
            if (panels.Count == 0)
            {
                throw new ArgumentException("A figure needs at least one panel.", nameof(panels));
            }

            columns = Math.Min(columns, panels.Count);
            int rows = (panels.Count + columns - 1) / columns;
            var multiplot = new Multiplot(panels[0]);
            foreach (Plot panel in panels.Skip(1)) multiplot.AddPlot(panel);
            multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
            multiplot.SavePng(path, columns * panelWidth, rows * panelHeight);
        }
    }
}
