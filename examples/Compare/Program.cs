using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using OptimDsl.Examples.Quickstart;
using OptimDsl.Examples.Shared;
using Spectre.Console;
using TorchSharp;

namespace OptimDsl.Examples.Compare
{
    /// <summary>
    /// Compares optimizers by name (the OptimDsl catalog and the optimizers declared with the DSL in
    /// examples/Shared/Declared) on the Quickstart's MLP, over several seeds; see docs/COMPARE.md.
    /// </summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            // Spectre.Console assumes 80 columns when it cannot ask the terminal; the table needs more.
            CommandLineHost.ConfigureConsole(140);
            OptimizerRegistry? registry = CommandLineHost.LoadRegistry(typeof(Program).Assembly);
            if (registry is null)
            {
                return 1;
            }

            return CompareCommand.Create(options => Run(options, registry), CommandLineHost.Fail, () => CommandLineHost.ListOptimizers(registry)).Parse(args).Invoke();
        }

        private static int Run(CompareOptions options, OptimizerRegistry registry)
        {
            OptimizerEntry[] entries;
            try
            {
                IEnumerable<string> names = options.Optimizers.Count > 0 ? options.Optimizers : CompareOptions.DefaultOptimizers;
                entries = names.Select(registry.Get).DistinctBy(e => e.Name).ToArray();
            }
            catch (UnknownOptimizerException ex)
            {
                return CommandLineHost.Fail(ex.Message);
            }

            Dataset data;
            try
            {
                data = options.DataDirectory is null ? Spirals.Create() : FashionMnist.Load(options.DataDirectory);
            }
            catch (DataSetException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                Console.Error.WriteLine(
                    $"--data needs a directory with the four Fashion-MNIST IDX files (Debian: apt-get install dataset-fashion-mnist, then --data {FashionMnist.DebianDirectory}).");
                return 1;
            }

            var defaults = options.DataDirectory is null ? CompareCommand.SpiralsDefaults : CompareCommand.FashionMnistDefaults;
            int epochs = options.Epochs ?? defaults.Epochs;
            int batchSize = options.BatchSize ?? defaults.BatchSize;
            double learningRate = options.LearningRate ?? defaults.LearningRate;
            torch.set_num_threads(options.Threads);
            Directory.CreateDirectory(options.OutputDirectory);

            using (data)
            {
                string layers = string.Join(" → ", new[] { data.Features }.Concat(defaults.Hidden).Append(data.Classes));
                AnsiConsole.MarkupLine($"[bold]OptimDsl compare[/]  TorchSharp {typeof(torch).Assembly.GetName().Version}, {torch.get_num_threads()} CPU thread(s)");
                AnsiConsole.MarkupLine($"data:  {Markup.Escape(data.Name)}: {data.TrainCount} train / {data.TestCount} test");
                AnsiConsole.MarkupLine(
                    $"model: MLP {layers} (ReLU), batch {batchSize}, {epochs} epochs, lr {Number(learningRate, "G4")}, seeds 0–{options.Seeds - 1}" +
                    (options.TopC is null ? string.Empty : $", topC {options.TopC}") + (options.Decay is null ? string.Empty : $", decay {Number(options.Decay.Value, "G4")}"));
                AnsiConsole.WriteLine();

                List<TrainingRun> runs;
                var clock = Stopwatch.StartNew();
                try
                {
                    runs = TrainAll(entries, data, options, epochs, batchSize, learningRate, defaults.Hidden);
                }
                catch (InvalidOptimizerArgumentException ex)
                {
                    return CommandLineHost.Fail(ex.Message);
                }

                IReadOnlyList<OptimizerSummary> summaries = OptimizerSummary.Of(runs);
                string loss = Path.Combine(options.OutputDirectory, "loss.png");
                string accuracy = Path.Combine(options.OutputDirectory, "accuracy.png");
                string curves = Path.Combine(options.OutputDirectory, "curves.csv");
                string summary = Path.Combine(options.OutputDirectory, "summary.csv");
                string dataName = options.DataDirectory is null ? "spirals" : "Fashion-MNIST";
                CurvesFigure.Write(loss, runs, e => e.TrainLoss, $"Training loss after each epoch ({dataName}), mean ± std over seeds", "training-set cross-entropy (log scale)", logarithmic: true, ScottPlot.Alignment.LowerLeft);
                CurvesFigure.Write(accuracy, runs, e => 100 * e.TestAccuracy, $"Test accuracy after each epoch ({dataName}), mean ± std over seeds", "test accuracy (%)", logarithmic: false, ScottPlot.Alignment.LowerRight, upperBound: 100);
                CsvWriter.Write(curves, CsvWriter.Curves(runs));
                CsvWriter.Write(summary, CsvWriter.Summary(summaries));

                AnsiConsole.WriteLine();
                AnsiConsole.Write(Table(summaries, entries, epochs));
                AnsiConsole.MarkupLine($"[bold]Wrote[/] {Markup.Escape(string.Join(", ", new[] { loss, accuracy, curves, summary }))}");
                AnsiConsole.MarkupLine($"{runs.Count} runs in {Number(clock.Elapsed.TotalSeconds, "F1")} s.");
            }

            return 0;
        }

        private static List<TrainingRun> TrainAll(
            IReadOnlyList<OptimizerEntry> entries, Dataset data, CompareOptions options, int epochs, int batchSize, double learningRate, int[] hidden)
        {
            var runs = new List<TrainingRun>();
            AnsiConsole.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(
                    new TaskDescriptionColumn { Alignment = Justify.Left },
                    new ProgressBarColumn(),
                    new PercentageColumn(),
                    new ElapsedTimeColumn(),
                    new SpinnerColumn())
                .Start(context =>
                {
                    var tasks = entries.Select(e => context.AddTask(Describe(e.Name, null, null), autoStart: false, maxValue: options.Seeds * epochs)).ToArray();
                    for (int o = 0; o < entries.Count; o++)
                    {
                        ProgressTask task = tasks[o];
                        OptimizerEntry entry = entries[o];
                        task.StartTask();
                        for (int seed = 0; seed < options.Seeds; seed++)
                        {
                            OptimizerSettings settings = Settings(learningRate, seed, options);
                            var contender = new Contender(entry.Name, entry.Origin, (parameters, lr) => entry.Create(parameters, settings with { LearningRate = lr }));
                            var training = new TrainingSettings(epochs, batchSize, learningRate, hidden, seed);
                            int done = seed * epochs;
                            int currentSeed = seed;
                            runs.Add(EpochTrainer.Train(contender, data, training, result =>
                            {
                                task.Value = done + result.Epoch;
                                task.Description = Describe(entry.Name, currentSeed, result);
                            }));
                        }

                        task.StopTask();
                    }
                });
            return runs;
        }

        /// <summary>The learning rate, the seed (for optimizers with random replacement), and --topC / --decay when given.</summary>
        private static OptimizerSettings Settings(double learningRate, int seed, CompareOptions options)
        {
            OptimizerSettings settings = new OptimizerSettings(learningRate).With("seed", seed);
            if (options.TopC is not null) settings = settings.With("topC", options.TopC.Value);
            if (options.Decay is not null) settings = settings.With("decay", options.Decay.Value);
            return settings;
        }

        private static string Describe(string name, int? seed, EpochResult? last)
        {
            string text = name.PadRight(28);
            if (seed is null || last is null) return Markup.Escape(text);
            return Markup.Escape($"{text} seed {seed}  epoch {last.Epoch,3}  loss {Number(last.TrainLoss, "F4")}  acc {Number(100 * last.TestAccuracy, "F1")} %");
        }

        private static Table Table(IReadOnlyList<OptimizerSummary> summaries, IReadOnlyList<OptimizerEntry> entries, int epochs)
        {
            var table = new Table().Border(TableBorder.Rounded)
                .Title($"after {epochs} epochs, mean ± std over seeds")
                .AddColumn("optimizer")
                .AddColumn("from")
                .AddColumn(new TableColumn("final train loss").RightAligned())
                .AddColumn(new TableColumn("test accuracy (%)").RightAligned())
                .AddColumn(new TableColumn("step time (ms)").RightAligned());
            foreach (OptimizerSummary s in summaries)
            {
                table.AddRow(
                    Markup.Escape(s.Optimizer),
                    Markup.Escape(entries.First(e => e.Name == s.Optimizer).Origin),
                    Statistics.Format(s.FinalTrainLoss, "F4"),
                    Statistics.Format((100 * s.TestAccuracy.Mean, 100 * s.TestAccuracy.StandardDeviation), "F2"),
                    Statistics.Format(s.StepMilliseconds, "F3"));
            }

            return table;
        }


        private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
    }
}
