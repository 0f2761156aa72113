using System;
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
    /// The paper's Figures 2 and 4 on the Ackley function: every optimizer from the random initial points of several seeds
    /// (loss curves averaged over the seeds, and the trajectories of the first seed), and the first steps of the first
    /// seed's runs up close.
    /// </summary>
    internal static class AckleyExperiment
    {
        /// <summary>Default learning rate (ours: no toy settings are published with the authors' code; see docs/LANDSCAPES.md).</summary>
        public const double DefaultLearningRate = 0.05;

        /// <summary>Default number of steps.</summary>
        public const int DefaultSteps = 500;

        /// <summary>Default number of seeds (random initial points), as in the paper's Figure 4.</summary>
        public const int DefaultSeeds = 10;

        /// <summary>Initial points are uniform in [−4, 4]² ...</summary>
        public const double InitialHalfWidth = 4;

        /// <summary>... at least this far from the global minimum (outside its well, several local minima away).</summary>
        public const double InitialMinimumRadius = 2;

        /// <summary>Figure 2 shows this many first steps.</summary>
        public const int FirstSteps = 10;

        /// <summary>A run ends "in the global well" when its final point is this close to the origin (the nearest local minima are about 0.95 away).</summary>
        public const double GlobalWellRadius = 0.5;

        /// <summary>The optimizers Figure 2 shows when both are run: Adam+CG and Adam+CM.</summary>
        public static IReadOnlyList<string> FirstStepsOptimizers { get; } = new[] { "Adam_C_eff", "Adam_CM" };

        /// <summary>
        /// Runs every optimizer from every initial point (<paramref name="initialPoints"/>, or the random points of seeds
        /// 0 … <paramref name="seeds"/> − 1 when none is given), writes <c>ackley.png</c> and <c>ackley-first-steps.png</c>.
        /// </summary>
        public static ExperimentReport Run(OptimizerRegistry registry, ExperimentSettings settings, IReadOnlyList<double[]> initialPoints, int seeds, string outputDirectory)
        {
            var surface = new Ackley();
            IReadOnlyList<double[]> starts = initialPoints.Count > 0
                ? initialPoints
                : InitialPoints.Seeds(seeds, InitialHalfWidth, InitialMinimumRadius);
            var requests = (
                from name in settings.Optimizers
                from initial in starts
                select new RunRequest(surface, registry.Get(name), settings.OptimizerSettings, initial, settings.Steps)).ToArray();
            IReadOnlyList<Trajectory> runs = RunRequest.RunAll(requests);
            Trajectory[][] byOptimizer = settings.Optimizers.Select(name => runs.Where(r => r.Optimizer == name).ToArray()).ToArray();

            string mainFigure = Path.Combine(outputDirectory, "ackley.png");
            AckleyFigure.Write(mainFigure, surface, settings, byOptimizer, initialPoints.Count > 0 ? "initial points" : "seeds");

            int[] closeUp = Enumerable.Range(0, settings.Optimizers.Count).Where(i => FirstStepsOptimizers.Contains(settings.Optimizers[i])).ToArray();
            if (closeUp.Length < 2) closeUp = Enumerable.Range(0, settings.Optimizers.Count).ToArray();
            string firstStepsFigure = Path.Combine(outputDirectory, "ackley-first-steps.png");
            AckleyFirstStepsFigure.Write(firstStepsFigure, surface, closeUp.Select(i => byOptimizer[i][0]).ToArray(), closeUp, Math.Min(FirstSteps, settings.Steps));

            return new ExperimentReport(
                $"Ackley (Figures 2 and 4): lr {Format.Number(settings.LearningRate)}, {settings.Steps} steps, {starts.Count} {(initialPoints.Count > 0 ? "initial points" : "seeds")}, topC {settings.TopC}, decay {Format.Number(settings.Decay)}",
                runs,
                new[] { mainFigure, firstStepsFigure },
                new[] { SummaryTable(settings, byOptimizer), FirstStepsTable(settings, byOptimizer) });
        }

        /// <summary>Whether <paramref name="run"/> ends within <see cref="GlobalWellRadius"/> of the global minimum.</summary>
        public static bool EndsInGlobalWell(Trajectory run) => Math.Sqrt(run.Final[0] * run.Final[0] + run.Final[1] * run.Final[1]) < GlobalWellRadius;

        /// <summary>Distance between the initial point and the point after <paramref name="steps"/> steps.</summary>
        public static double Displacement(Trajectory run, int steps)
        {
            double[] a = run.Points[0], b = run.Points[Math.Min(steps, run.Steps)];
            return Math.Sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]));
        }

        /// <summary>Length of the path of the first <paramref name="steps"/> steps (sum of the step lengths).</summary>
        public static double PathLength(Trajectory run, int steps)
        {
            double length = 0;
            for (int k = 1; k <= Math.Min(steps, run.Steps); k++)
            {
                double dx = run.Points[k][0] - run.Points[k - 1][0], dy = run.Points[k][1] - run.Points[k - 1][1];
                length += Math.Sqrt(dx * dx + dy * dy);
            }

            return length;
        }

        private static Table SummaryTable(ExperimentSettings settings, Trajectory[][] byOptimizer)
        {
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn("optimizer")
                .AddColumn(new TableColumn("final loss, mean ± std").RightAligned())
                .AddColumn(new TableColumn("lowest loss, mean ± std").RightAligned())
                .AddColumn(new TableColumn($"end in global well (‖x‖ < {Format.Number(GlobalWellRadius)})").RightAligned());
            for (int i = 0; i < byOptimizer.Length; i++)
            {
                Trajectory[] runs = byOptimizer[i];
                table.AddRow(
                    Markup.Escape(settings.Optimizers[i]),
                    Statistics.Format(Statistics.MeanAndStandardDeviation(runs.Select(r => r.FinalLoss).ToArray()), "F3"),
                    Statistics.Format(Statistics.MeanAndStandardDeviation(runs.Select(r => r.Best.Loss).ToArray()), "F3"),
                    $"{runs.Count(EndsInGlobalWell)}/{runs.Length}");
            }

            return table;
        }

        private static Table FirstStepsTable(ExperimentSettings settings, Trajectory[][] byOptimizer)
        {
            int steps = Math.Min(FirstSteps, settings.Steps);
            var table = new Table().Border(TableBorder.Rounded)
                .Title($"first {steps} steps (Figure 2), over all runs")
                .AddColumn("optimizer")
                .AddColumn(new TableColumn("path length, mean ± std").RightAligned())
                .AddColumn(new TableColumn("distance from start, mean ± std").RightAligned())
                .AddColumn(new TableColumn($"loss after {steps} steps, mean ± std").RightAligned());
            for (int i = 0; i < byOptimizer.Length; i++)
            {
                Trajectory[] runs = byOptimizer[i];
                table.AddRow(
                    Markup.Escape(settings.Optimizers[i]),
                    Statistics.Format(Statistics.MeanAndStandardDeviation(runs.Select(r => PathLength(r, steps)).ToArray()), "F3"),
                    Statistics.Format(Statistics.MeanAndStandardDeviation(runs.Select(r => Displacement(r, steps)).ToArray()), "F3"),
                    Statistics.Format(Statistics.MeanAndStandardDeviation(runs.Select(r => r.Losses[steps]).ToArray()), "F3"));
            }

            return table;
        }
    }
}
