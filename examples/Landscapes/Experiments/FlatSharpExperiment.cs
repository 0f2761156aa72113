using System.Collections.Generic;
using System.IO;
using System.Linq;
using OptimDsl.Examples.Landscapes.Functions;
using OptimDsl.Examples.Landscapes.Plots;
using OptimDsl.Examples.Shared;
using Spectre.Console;

namespace OptimDsl.Examples.Landscapes.Experiments
{
    /// <summary>
    /// The paper's Figure 5: on the one-variable function with a flat and a sharp minimum (<see cref="FlatSharp"/>), for
    /// every sharpness and initial point, does each optimizer end in the flat well or in the sharp one?
    /// </summary>
    internal static class FlatSharpExperiment
    {
        /// <summary>Default learning rate (ours: no toy settings are published with the authors' code; see docs/LANDSCAPES.md).</summary>
        public const double DefaultLearningRate = 0.05;

        /// <summary>Default number of steps.</summary>
        public const int DefaultSteps = 300;

        /// <summary>The grid's columns: how many times narrower the sharp well is than the flat one.</summary>
        public static IReadOnlyList<double> DefaultSharpness { get; } = new[] { 1.0, 2, 4, 8, 16 };

        /// <summary>The grid's rows: one start in the flat well, one between the wells, four in or beyond the sharp well.</summary>
        public static IReadOnlyList<double[]> DefaultInitialPoints { get; } = new[]
        {
            new[] { -0.5 }, new[] { 0.25 }, new[] { 0.5 }, new[] { 1.0 }, new[] { 1.5 }, new[] { 2.0 },
        };

        /// <summary>Runs every optimizer on every (sharpness, initial point), writes <c>flat-sharp.png</c> and <c>flat-sharp-function.png</c>.</summary>
        public static ExperimentReport Run(
            OptimizerRegistry registry,
            ExperimentSettings settings,
            IReadOnlyList<double> sharpness,
            IReadOnlyList<double[]> initialPoints,
            string outputDirectory)
        {
            FlatSharp[] surfaces = sharpness.Select(s => new FlatSharp(s)).ToArray();
            var requests = (
                from name in settings.Optimizers
                from surface in surfaces
                from initial in initialPoints
                select new RunRequest(surface, registry.Get(name), settings.OptimizerSettings, initial, settings.Steps)).ToArray();
            IReadOnlyList<Trajectory> runs = RunRequest.RunAll(requests);
            var grid = new EscapeGrid(settings.Optimizers, surfaces, initialPoints.Select(p => p[0]).ToArray(), runs);

            string gridFigure = Path.Combine(outputDirectory, "flat-sharp.png");
            EscapeGridFigure.Write(gridFigure, grid, settings);
            string functionFigure = Path.Combine(outputDirectory, "flat-sharp-function.png");
            FlatSharpFunctionFigure.Write(functionFigure, surfaces, grid.InitialPoints);
            return new ExperimentReport(
                $"Flat and sharp minimum (Figure 5): lr {Format.Number(settings.LearningRate)}, {settings.Steps} steps, topC {settings.TopC}, decay {Format.Number(settings.Decay)}",
                runs,
                new[] { gridFigure, functionFigure },
                new[] { Table(grid) });
        }

        private static Table Table(EscapeGrid grid)
        {
            var table = new Table().Border(TableBorder.Rounded)
                .Title("runs that end in the flat well, per sharpness s (out of the initial points)")
                .AddColumn("optimizer");
            foreach (FlatSharp surface in grid.Surfaces)
            {
                table.AddColumn(new TableColumn($"s = {Format.Number(surface.Sharpness)}").RightAligned());
            }

            table.AddColumn(new TableColumn("all").RightAligned());
            table.AddColumn(new TableColumn("started right of the barrier").RightAligned());
            for (int o = 0; o < grid.Optimizers.Count; o++)
            {
                var cells = new List<string> { Markup.Escape(grid.Optimizers[o]) };
                for (int s = 0; s < grid.Surfaces.Count; s++)
                {
                    cells.Add($"{Enumerable.Range(0, grid.InitialPoints.Count).Count(i => grid.Outcome(o, s, i) == Basin.Flat)}/{grid.InitialPoints.Count}");
                }

                var (flat, total) = grid.Count(o, startedOnSharpSide: false);
                var (escaped, sharpStarts) = grid.Count(o, startedOnSharpSide: true);
                cells.Add($"{flat}/{total}");
                cells.Add($"{escaped}/{sharpStarts} escape");
                table.AddRow(cells.ToArray());
            }

            return table;
        }
    }
}
