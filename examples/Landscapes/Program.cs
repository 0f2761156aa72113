using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using OptimDsl.Examples.Landscapes.Experiments;
using OptimDsl.Examples.Landscapes.Results;
using OptimDsl.Examples.Shared;
using Spectre.Console;
using TorchSharp;

namespace OptimDsl.Examples.Landscapes
{
    /// <summary>
    /// Reproduces the toy experiments of "Promoting Exploration in Memory-Augmented Adam using Critical Momenta"
    /// (Malviya et al., TMLR 2024) with OptimDsl optimizers in float64; see docs/LANDSCAPES.md for what each figure shows.
    /// </summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            // Spectre.Console assumes 80 columns when it cannot ask the terminal; the tables need more.
            CommandLineHost.ConfigureConsole(160);
            OptimizerRegistry? registry = CommandLineHost.LoadRegistry(typeof(Program).Assembly);
            if (registry is null)
            {
                return 1;
            }

            return LandscapeCommand.Create(options => Run(options, registry), CommandLineHost.Fail, () => CommandLineHost.ListOptimizers(registry)).Parse(args).Invoke();
        }

        private static int Run(LandscapeOptions options, OptimizerRegistry registry)
        {
            string[] optimizers;
            try
            {
                IEnumerable<string> names = options.Optimizers.Count > 0 ? options.Optimizers : ExperimentSettings.DefaultOptimizers;
                optimizers = names.Select(n => registry.Get(n).Name).Distinct().ToArray();
            }
            catch (UnknownOptimizerException ex)
            {
                return CommandLineHost.Fail(ex.Message);
            }

            // The tensors hold one or two numbers: TorchSharp's intra-op threads would only add hand-offs.
            torch.set_num_threads(1);
            Directory.CreateDirectory(options.OutputDirectory);
            var clock = Stopwatch.StartNew();
            var reports = new List<ExperimentReport>();
            try
            {
                foreach (string function in options.Functions)
                {
                    ExperimentReport report = RunFunction(function, options, registry, optimizers);
                    reports.Add(report);
                    Print(report);
                }
            }
            catch (InvalidOptimizerArgumentException ex)
            {
                return CommandLineHost.Fail(ex.Message);
            }

            string results = Path.Combine(options.OutputDirectory, "results.json");
            ResultsWriter.Write(results, reports.SelectMany(r => r.Runs).Select(RunRecord.From));
            AnsiConsole.MarkupLine($"[bold]Wrote[/] {Markup.Escape(string.Join(", ", reports.SelectMany(r => r.Figures).Append(results)))}");
            AnsiConsole.MarkupLine($"{reports.Sum(r => r.Runs.Count)} runs in {clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s.");
            return 0;
        }

        private static ExperimentReport RunFunction(string function, LandscapeOptions options, OptimizerRegistry registry, IReadOnlyList<string> optimizers)
        {
            int topC = options.TopC ?? ExperimentSettings.DefaultTopC;
            double decay = options.Decay ?? ExperimentSettings.DefaultDecay;
            switch (function)
            {
                case "goldstein-price":
                    return GoldsteinPriceExperiment.Run(
                        registry,
                        new ExperimentSettings(optimizers, options.LearningRate ?? GoldsteinPriceExperiment.DefaultLearningRate, options.Steps ?? GoldsteinPriceExperiment.DefaultSteps, topC, decay),
                        options.InitialPoints.Count > 0 ? options.InitialPoints : GoldsteinPriceExperiment.DefaultInitialPoints,
                        options.OutputDirectory);
                case "ackley":
                    return AckleyExperiment.Run(
                        registry,
                        new ExperimentSettings(optimizers, options.LearningRate ?? AckleyExperiment.DefaultLearningRate, options.Steps ?? AckleyExperiment.DefaultSteps, topC, decay),
                        options.InitialPoints,
                        options.Seeds ?? AckleyExperiment.DefaultSeeds,
                        options.OutputDirectory);
                case "flat-sharp":
                    return FlatSharpExperiment.Run(
                        registry,
                        new ExperimentSettings(optimizers, options.LearningRate ?? FlatSharpExperiment.DefaultLearningRate, options.Steps ?? FlatSharpExperiment.DefaultSteps, topC, decay),
                        options.Sharpness.Count > 0 ? options.Sharpness : FlatSharpExperiment.DefaultSharpness,
                        options.InitialPoints.Count > 0 ? options.InitialPoints : FlatSharpExperiment.DefaultInitialPoints,
                        options.OutputDirectory);
                default:
                    throw new ArgumentException($"Unknown function '{function}'.", nameof(function));
            }
        }

        private static void Print(ExperimentReport report)
        {
            AnsiConsole.WriteLine();
            AnsiConsole.Write(new Rule($"[bold]{Markup.Escape(report.Title)}[/]").LeftJustified());
            foreach (var table in report.Tables) AnsiConsole.Write(table);
        }
    }
}
