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
    /// The paper's Figure 1: trajectories of each optimizer on the Goldstein–Price function from several initial points;
    /// which runs end at the global minimum (0, −1) and which at one of the three local minima.
    /// </summary>
    internal static class GoldsteinPriceExperiment
    {
        /// <summary>Default learning rate (ours: no toy settings are published with the authors' code; see docs/LANDSCAPES.md).</summary>
        public const double DefaultLearningRate = 0.05;

        /// <summary>Default number of steps.</summary>
        public const int DefaultSteps = 1000;

        /// <summary>A run "reaches" a minimum when it ends within this distance of it.</summary>
        public const double Tolerance = 0.1;

        /// <summary>The figure's initial points: the four corners (±1.5, ±1.5), one in each quadrant of the domain.</summary>
        public static IReadOnlyList<double[]> DefaultInitialPoints { get; } = new[]
        {
            new[] { -1.5, 1.5 }, new[] { 1.5, 1.5 }, new[] { 1.5, -1.5 }, new[] { -1.5, -1.5 },
        };

        /// <summary>The global and the three local minima of Goldstein–Price.</summary>
        public static IReadOnlyList<NamedMinimum> Minima { get; } = new[]
        {
            new NamedMinimum(new[] { 0.0, -1.0 }, 3, IsGlobal: true),
            new NamedMinimum(new[] { -0.6, -0.4 }, 30, IsGlobal: false),
            new NamedMinimum(new[] { 1.8, 0.2 }, 84, IsGlobal: false),
            new NamedMinimum(new[] { 1.2, 0.8 }, 840, IsGlobal: false),
        };

        /// <summary>Runs every optimizer from every initial point, writes <c>goldstein-price.png</c>, and tabulates the ends.</summary>
        public static ExperimentReport Run(OptimizerRegistry registry, ExperimentSettings settings, IReadOnlyList<double[]> initialPoints, string outputDirectory)
        {
            var surface = new GoldsteinPrice();
            var requests = (
                from name in settings.Optimizers
                from initial in initialPoints
                select new RunRequest(surface, registry.Get(name), settings.OptimizerSettings, initial, settings.Steps)).ToArray();
            IReadOnlyList<Trajectory> runs = RunRequest.RunAll(requests);

            string figure = Path.Combine(outputDirectory, "goldstein-price.png");
            GoldsteinPriceFigure.Write(figure, surface, settings, initialPoints, runs);
            return new ExperimentReport(
                $"Goldstein–Price (Figure 1): lr {Format.Number(settings.LearningRate)}, {settings.Steps} steps, topC {settings.TopC}, decay {Format.Number(settings.Decay)}",
                runs,
                new[] { figure },
                initialPoints.Count <= MaxColumns
                    ? new[] { EndsTable(settings, runs), Table(settings, initialPoints, runs) }
                    : new[] { EndsTable(settings, runs) });
        }

        /// <summary>The per-initial-point table is printed up to this many initial points.</summary>
        private const int MaxColumns = 6;

        /// <summary>How many of <paramref name="runs"/> end within <see cref="Tolerance"/> of the global minimum.</summary>
        public static int GlobalCount(IEnumerable<Trajectory> runs) =>
            runs.Count(r => NamedMinimum.Nearest(r.Final, Minima, Tolerance)?.IsGlobal == true);

        private static Table EndsTable(ExperimentSettings settings, IReadOnlyList<Trajectory> runs)
        {
            var table = new Table().Border(TableBorder.Rounded)
                .Title($"where the runs end (within {Format.Number(Tolerance)} of a minimum)")
                .AddColumn("optimizer");
            foreach (NamedMinimum minimum in Minima) table.AddColumn(new TableColumn(minimum.Label).RightAligned());
            table.AddColumn(new TableColumn("no minimum").RightAligned());
            foreach (string optimizer in settings.Optimizers)
            {
                Trajectory[] mine = runs.Where(r => r.Optimizer == optimizer).ToArray();
                NamedMinimum?[] ends = mine.Select(r => NamedMinimum.Nearest(r.Final, Minima, Tolerance)).ToArray();
                var cells = new List<string> { Markup.Escape(optimizer) };
                cells.AddRange(Minima.Select(m => $"{ends.Count(e => e == m)}/{mine.Length}"));
                cells.Add($"{ends.Count(e => e is null)}/{mine.Length}");
                table.AddRow(cells.ToArray());
            }

            return table;
        }

        private static Table Table(ExperimentSettings settings, IReadOnlyList<double[]> initialPoints, IReadOnlyList<Trajectory> runs)
        {
            var table = new Table().Border(TableBorder.Rounded)
                .Title($"final loss from each initial point, and the minimum the run ends at (within {Format.Number(Tolerance)})")
                .AddColumn("optimizer");
            foreach (double[] initial in initialPoints) table.AddColumn(new TableColumn($"from {Format.Point(initial)}").RightAligned());
            table.AddColumn(new TableColumn("at global minimum").RightAligned());
            foreach (string optimizer in settings.Optimizers)
            {
                Trajectory[] mine = runs.Where(r => r.Optimizer == optimizer).ToArray();
                var cells = new List<string> { Markup.Escape(optimizer) };
                foreach (Trajectory run in mine)
                {
                    NamedMinimum? end = NamedMinimum.Nearest(run.Final, Minima, Tolerance);
                    string where = end is null ? "no minimum" : end.IsGlobal ? "[green]global[/]" : $"local {Format.Number(end.Loss)}";
                    cells.Add(double.IsFinite(run.FinalLoss) ? $"{Format.Number(run.FinalLoss)} ({where})" : "[red]diverged[/]");
                }

                cells.Add($"{GlobalCount(mine)}/{mine.Length}");
                table.AddRow(cells.ToArray());
            }

            return table;
        }
    }
}
