using System;
using System.Collections.Generic;

namespace OptimDsl.Examples.Landscapes.Plots
{
    /// <summary>
    /// How an optimizer appears in the figures: a fixed colour per name (so a name keeps its colour across figures) and a
    /// label that gives the paper's name next to the registry name where there is one (<c>Adam+CM (Adam_CM)</c>).
    /// </summary>
    internal static class OptimizerStyle
    {
        private static readonly Dictionary<string, string> PaperNames = new(StringComparer.OrdinalIgnoreCase)
        {
            ["Adam_C_eff"] = "Adam+CG",
            ["Adam_CM"] = "Adam+CM",
            ["CriticalMomentaAdam"] = "Adam+CM, corrected",
            ["AdamCMAggregateSecondMoment"] = "Adam+CM, corrected, v of aggregate",
        };

        // Colour-blind-friendly (Okabe–Ito, without its yellow), readable on white and on the grey surfaces; black is
        // kept for the start and minimum markers.
        private static readonly ScottPlot.Color[] Palette =
        {
            ScottPlot.Color.FromHex("#0072B2"),
            ScottPlot.Color.FromHex("#E69F00"),
            ScottPlot.Color.FromHex("#D55E00"),
            ScottPlot.Color.FromHex("#009E73"),
            ScottPlot.Color.FromHex("#CC79A7"),
            ScottPlot.Color.FromHex("#56B4E9"),
            ScottPlot.Color.FromHex("#000000"),
        };

        /// <summary>The label of <paramref name="optimizer"/> in legends and titles.</summary>
        public static string Label(string optimizer) =>
            PaperNames.TryGetValue(optimizer, out string? paper) ? $"{paper} ({optimizer})" : optimizer;

        /// <summary>The colour of the <paramref name="index"/>-th optimizer of a figure.</summary>
        public static ScottPlot.Color Color(int index) => Palette[index % Palette.Length];
    }
}
