using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Spectre.Console;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Examples.Quickstart
{
    /// <summary>
    /// OptimDsl quickstart: trains the same small MLP with an optimizer declared in this example
    /// (<see cref="MyAdamWithCriticalMomenta"/>), the catalog's generated <see cref="OptimDsl.Optimizers.Adam"/> and
    /// TorchSharp's built-in <c>torch.optim.Adam</c>, and prints their final training loss and test accuracy.
    /// </summary>
    internal static class Program
    {
        private const string Usage = """
            OptimDsl quickstart: train a small MLP with a declared optimizer, the catalog's Adam and TorchSharp's Adam.

            Usage: dotnet run --project examples/Quickstart [-- OPTIONS]

            Options:
              --data DIR      train on Fashion-MNIST (or MNIST) IDX files in DIR instead of the embedded spirals:
                              train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
                              t10k-labels-idx1-ubyte, each gzipped (.gz) or plain. Debian/Ubuntu:
                              apt-get install dataset-fashion-mnist   -> --data /usr/share/datasets/fashion-mnist
                              Nothing is ever downloaded.
              --epochs N      training epochs (default: 60 on spirals, 2 on Fashion-MNIST)
              --seed N        seed of the weights and of the batch order (default: 42)
              --threads N     CPU threads for TorchSharp (default: 1; for these small models thread hand-offs
                              cost more than they save, especially on a busy machine)
              -h, --help      show this help

            Every optimizer starts from the same weights and sees the same batches, so the table compares the
            optimizers alone. The run is deterministic for a given seed and thread count.
            """;

        private static int Main(string[] args)
        {
            Options? options = CommandLineReader.ParseOrReport(args, Options.Parse);
            if (options is null)
            {
                return 2;
            }

            if (options.Help)
            {
                Console.WriteLine(Usage);
                return 0;
            }

            Dataset data;
            TrainingSettings settings;
            try
            {
                if (options.DataDirectory is null)
                {
                    data = Spirals.Create();
                    settings = new TrainingSettings(options.Epochs ?? 60, BatchSize: 64, LearningRate: 1e-2, Hidden: new[] { 64, 64 }, options.Seed);
                }
                else
                {
                    data = FashionMnist.Load(options.DataDirectory);
                    settings = new TrainingSettings(options.Epochs ?? 2, BatchSize: 128, LearningRate: 1e-3, Hidden: new[] { 256, 128 }, options.Seed);
                }
            }
            catch (DataSetException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                Console.Error.WriteLine(
                    $"--data needs a directory with the four Fashion-MNIST IDX files (Debian: apt-get install dataset-fashion-mnist, then --data {FashionMnist.DebianDirectory}).");
                return 1;
            }

            torch.set_num_threads(options.Threads ?? 1);
            using (data)
            {
                Run(data, settings);
            }

            return 0;
        }

        private static void Run(Dataset data, TrainingSettings settings)
        {
            var contenders = new[]
            {
                new Contender("MyAdamWithCriticalMomenta", "declared here",
                    (parameters, lr) => new MyAdamWithCriticalMomenta(parameters, lr: lr)),
                new Contender("OptimDsl.Optimizers.Adam", "catalog",
                    (parameters, lr) => new OptimDsl.Optimizers.Adam(parameters, lr: lr)),
                new Contender("torch.optim.Adam", "TorchSharp",
                    (parameters, lr) => torch.optim.Adam(parameters, lr: lr)),
            };

            string layers = string.Join(" → ", new[] { data.Features }.Concat(settings.Hidden).Append(data.Classes));
            AnsiConsole.MarkupLine($"[bold]OptimDsl quickstart[/]  TorchSharp {typeof(torch).Assembly.GetName().Version}, {torch.get_num_threads()} CPU threads");
            AnsiConsole.MarkupLine($"data:  {Markup.Escape(data.Name)}: {data.TrainCount} train / {data.TestCount} test");
            AnsiConsole.MarkupLine($"model: MLP {layers} (ReLU), batch {settings.BatchSize}, {settings.Epochs} epochs, lr {settings.LearningRate.ToString(CultureInfo.InvariantCulture)}, seed {settings.Seed}");
            AnsiConsole.WriteLine();

            var results = new List<RunResult>();
            AnsiConsole.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(
                    new TaskDescriptionColumn { Alignment = Justify.Left },
                    new ProgressBarColumn(),
                    new PercentageColumn(),
                    new ElapsedTimeColumn(),
                    new SpinnerColumn())
                .Start(ctx =>
                {
                    var tasks = contenders.Select(c => ctx.AddTask(Describe(c.Name, null), autoStart: false, maxValue: settings.Epochs)).ToArray();
                    for (int i = 0; i < contenders.Length; i++)
                    {
                        ProgressTask task = tasks[i];
                        Contender contender = contenders[i];
                        task.StartTask();
                        results.Add(Trainer.Train(contender, data, settings, (epoch, loss) =>
                        {
                            task.Value = epoch;
                            task.Description = Describe(contender.Name, loss);
                        }));
                        task.StopTask();
                    }
                });

            var table = new Table().Border(TableBorder.Rounded)
                .Title($"after {settings.Epochs} epochs")
                .AddColumn("optimizer")
                .AddColumn("from")
                .AddColumn(new TableColumn("train loss").RightAligned())
                .AddColumn(new TableColumn("test acc.").RightAligned())
                .AddColumn(new TableColumn("time").RightAligned());
            foreach (RunResult r in results)
            {
                table.AddRow(
                    Markup.Escape(r.Contender.Name),
                    Markup.Escape(r.Contender.Origin),
                    r.TrainLoss.ToString("F5", CultureInfo.InvariantCulture),
                    r.TestAccuracy.ToString("P1", CultureInfo.InvariantCulture),
                    r.Seconds.ToString("F1", CultureInfo.InvariantCulture) + " s");
            }

            AnsiConsole.WriteLine();
            AnsiConsole.Write(table);

            double gap = Math.Abs(results[1].TrainLoss - results[2].TrainLoss);
            AnsiConsole.MarkupLine(
                $"The catalog's generated Adam and TorchSharp's Adam run the same math from the same start: final losses differ by {gap.ToString("G3", CultureInfo.InvariantCulture)}.");
            AnsiConsole.MarkupLine(
                "MyAdamWithCriticalMomenta is AdamW whose update also uses the mean of the 5 highest-priority past momenta (see MyAdamWithCriticalMomenta.cs).");
        }

        private static string Describe(string name, double? loss)
        {
            string text = name.PadRight(26);
            return Markup.Escape(loss is null ? text + "             " : $"{text} loss {loss.Value.ToString("F4", CultureInfo.InvariantCulture),7}");
        }

        private sealed class Options
        {
            public string? DataDirectory { get; private set; }

            public int? Epochs { get; private set; }

            public int Seed { get; private set; } = 42;

            public int? Threads { get; private set; }

            public bool Help { get; private set; }

            public static Options Parse(string[] args)
            {
                var options = new Options();
                var reader = new CommandLineReader(args);
                while (reader.Next())
                {
                    switch (reader.Name)
                    {
                        case "-h":
                        case "--help":
                        case "-?":
                            options.Help = true;
                            break;
                        case "--data":
                            options.DataDirectory = reader.Value();
                            break;
                        case "--epochs":
                            options.Epochs = reader.Integer(minimum: 1);
                            break;
                        case "--threads":
                            options.Threads = reader.Integer(minimum: 1);
                            break;
                        case "--seed":
                            options.Seed = reader.Integer(minimum: 0);
                            break;
                        default:
                            throw reader.Unknown();
                    }
                }

                return options;
            }
        }
    }
}
