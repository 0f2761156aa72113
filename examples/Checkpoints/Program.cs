using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using OptimDsl.Examples.Quickstart;
using OptimDsl.Runtime;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Examples.Checkpoints
{
    /// <summary>
    /// Checkpoints with OptimDsl: trains a small MLP with the catalog's <c>CriticalMomentaAdam</c> and a cosine learning-rate
    /// schedule, saves a checkpoint in the middle of the run, resumes a new model, optimizer and scheduler from the file and
    /// shows that the continuation is bit-identical; then looks inside a critical buffer and takes the file apart.
    /// </summary>
    internal static class Program
    {
        private const string Usage = """
            OptimDsl checkpoints: save a run in the middle, resume it from the file, get exactly the same run.

            Usage: dotnet run --project examples/Checkpoints [-- OPTIONS]

            Options:
              --epochs N       length of the run and of the cosine schedule (default: 12)
              --save-after K   save the checkpoint after epoch K, 1 <= K < N (default: N / 2)
              --seed N         seed of the initial weights and of the batch order (default: 42)
              --threads N      CPU threads for TorchSharp (default: 1)
              --output DIR     folder of the checkpoint file (default: checkpoints-output)
              -h, --help       show this help

            See docs/CHECKPOINTS.md for what a checkpoint holds, what a load checks and the file format.
            """;

        internal static int Main(string[] args)
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

            torch.set_num_threads(options.Threads);
            var settings = new RunSettings(options.Epochs, BatchSize: 64, LearningRate: 1e-2, Hidden: new[] { 64, 64 }, TopC: 5, options.Seed);
            using Dataset data = Spirals.Create();
            string path = Path.Combine(options.Output, "training.ckpt");
            Run(data, settings, options.SaveAfter ?? Math.Max(1, options.Epochs / 2), path);
            return 0;
        }

        private static void Run(Dataset data, RunSettings settings, int saveAfter, string path)
        {
            string layers = string.Join(" → ", new[] { data.Features }.Concat(settings.Hidden).Append(data.Classes));
            AnsiConsole.MarkupLine($"[bold]OptimDsl checkpoints[/]  TorchSharp {typeof(torch).Assembly.GetName().Version}, {torch.get_num_threads()} CPU thread(s)");
            AnsiConsole.MarkupLine($"data:      {Markup.Escape(data.Name)}: {data.TrainCount} train / {data.TestCount} test");
            AnsiConsole.MarkupLine($"model:     MLP {layers} (ReLU), batch {settings.BatchSize}, seed {settings.Seed}");
            AnsiConsole.MarkupLine(
                $"optimizer: CriticalMomentaAdam (catalog), lr {Number(settings.LearningRate)}, topC {settings.TopC}; CosineAnnealingLR over {settings.Epochs} epochs down to {Number(settings.LearningRate / 100)}");
            AnsiConsole.WriteLine();

            // 1. The uninterrupted run, which saves a checkpoint after epoch `saveAfter` and goes on.
            using ResumableRun uninterrupted = ResumableRun.Start(data, settings);
            List<EpochResult> expected = uninterrupted.TrainThrough(settings.Epochs, result =>
            {
                if (result.Epoch == saveAfter)
                {
                    TrainingCheckpoint.Save(path, uninterrupted);
                }
            });
            long fileLength = new FileInfo(path).Length;
            Rule("1. The uninterrupted run");
            AnsiConsole.MarkupLine(
                $"Trained {settings.Epochs} epochs; after epoch {saveAfter} it saved {Markup.Escape(path)} ({fileLength:N0} bytes: weights, optimizer state, epoch; written to a temporary file, then renamed) and went on.");

            // 2. A new model, optimizer and scheduler: load the checkpoint, train the remaining epochs. What the optimizer
            // holds right after the load is what the file holds: it is read before training goes on.
            using ResumableRun resumed = ResumableRun.Resume(path, data, settings);
            double resumedLr = resumed.LearningRate;
            IReadOnlyList<ParameterState> loaded = OptimizerStateReport.Of(resumed);
            long optionsBytes = OptimizerStateReport.OptionsRecordBytes(resumed).Sum();
            ParameterState smallest = loaded.OrderBy(s => s.Shape.Aggregate(1L, (a, b) => a * b)).First();
            Table entries = EntryTable(resumed, loaded.ToList().IndexOf(smallest), smallest);
            List<EpochResult> continued = resumed.TrainThrough(settings.Epochs);
            Rule("2. The resumed run");
            AnsiConsole.MarkupLine(
                $"A new model, optimizer and scheduler loaded the file: the schedule replayed for {saveAfter} epochs (learning rate {Number(resumedLr)}, bit for bit the saved one), "
                + $"then the weights, then the optimizer's state (checked in full before anything changed). Then it trained epochs {saveAfter + 1} to {settings.Epochs}.");
            AnsiConsole.Write(LossTable(expected, continued));
            Continuation check = Continuation.Compare(uninterrupted, resumed);
            AnsiConsole.MarkupLine(
                $"After epoch {settings.Epochs}: max |difference| of the weights = [bold]{Number(check.MaxWeightDifference)}[/] ({check.DifferentWeights} of {Weights(resumed)} weights differ); "
                + $"the two optimizers' checkpoints are {check.OptimizerBytes:N0} bytes each and {(check.OptimizerStatesIdentical ? "[bold]identical[/]" : "[red]different[/]")} (XxHash64 0x{check.OptimizerChecksum:X16}).");

            // 3. Inside the critical buffers, as the checkpoint holds them (read right after the load).
            Rule("3. Inside the critical buffers");
            AnsiConsole.WriteLine(
                $"As the checkpoint holds them (after epoch {saveAfter}), read right after the load with CriticalBuffer.Snapshot() and ReadEntry(slot); "
                + "the optimizer's state_dict().State[i] is parameter i's live state, and its critical field its buffer.");
            AnsiConsole.Write(BufferTable(loaded));
            AnsiConsole.Write(entries);
            AnsiConsole.MarkupLine(
                "A priority is the gradient norm of the step that stored the entry, decayed ×0.7 once per step since, that step included: "
                + "[italic]priority = norm · 0.7^(age + 1)[/]. With synced = true (the default) the norm is the sum of the norms of every parameter of the group, "
                + "so all six buffers store the same steps. An entry's values are that step's first moment (momentum).");

            // 4. Inside the checkpoint file.
            Rule("4. Inside the checkpoint file");
            CheckpointAnatomy anatomy = CheckpointAnatomy.Read(path);
            AnsiConsole.Write(RegionTable(anatomy));
            AnsiConsole.Write(RecordTable(loaded));
            long stateBytes = loaded.Sum(s => s.RecordBytes);
            AnsiConsole.MarkupLine(
                $"The loaded optimizer writes {optionsBytes:N0} bytes of options records and {stateBytes:N0} of state records: {optionsBytes + stateBytes:N0} bytes, "
                + $"{(optionsBytes + stateBytes == anatomy.RecordsLength ? "exactly" : "[red]not[/]")} the file's {anatomy.RecordsLength:N0}.");
        }

        private static Table LossTable(IReadOnlyList<EpochResult> expected, IReadOnlyList<EpochResult> continued)
        {
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn(new TableColumn("epoch").RightAligned())
                .AddColumn(new TableColumn("learning rate").RightAligned())
                .AddColumn(new TableColumn("loss, uninterrupted").RightAligned())
                .AddColumn(new TableColumn("loss, resumed").RightAligned())
                .AddColumn(new TableColumn("|difference|").RightAligned());
            foreach (EpochResult e in expected)
            {
                EpochResult? r = continued.FirstOrDefault(c => c.Epoch == e.Epoch);
                table.AddRow(
                    e.Epoch.ToString(CultureInfo.InvariantCulture),
                    Number(e.LearningRate),
                    Number(e.Loss),
                    r is null ? "[grey](before the checkpoint)[/]" : Number(r.Loss),
                    r is null ? "" : Number(Math.Abs(r.Loss - e.Loss)) + (BitConverter.DoubleToInt64Bits(r.LearningRate) == BitConverter.DoubleToInt64Bits(e.LearningRate) ? "" : " [red](lr differs)[/]"));
            }

            return table;
        }

        private static Table BufferTable(IReadOnlyList<ParameterState> states)
        {
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn("parameter").AddColumn("shape")
                .AddColumn(new TableColumn("steps").RightAligned())
                .AddColumn(new TableColumn("entries").RightAligned())
                .AddColumn(new TableColumn("highest priority (stored at step, age)").RightAligned())
                .AddColumn(new TableColumn("lowest priority (stored at step, age)").RightAligned())
                .AddColumn(new TableColumn("buffer memory").RightAligned());
            foreach (ParameterState s in states)
            {
                CriticalBufferSnapshot b = s.Buffer!;
                IReadOnlyList<CriticalBufferEntry> ordered = b.OrderedByPriority();
                table.AddRow(
                    Markup.Escape(s.Name), Markup.Escape(Shape(s.Shape)), s.Step.ToString(CultureInfo.InvariantCulture),
                    $"{b.Count} of {b.Capacity}",
                    ordered.Count == 0 ? "" : Describe(ordered[0]),
                    ordered.Count == 0 ? "" : Describe(ordered[^1]),
                    $"{b.StateBytes:N0} B");
            }

            return table;
        }

        private static Table EntryTable(ResumableRun run, int index, ParameterState state)
        {
            var buffer = ((OptimDsl.Optimizers.CriticalMomentaAdam.State)run.Optimizer.state_dict().State[index]).critical!;
            var table = new Table().Border(TableBorder.Rounded)
                .Title($"{Markup.Escape(state.Name)}: its buffer's entries, highest priority first")
                .AddColumn(new TableColumn("slot").RightAligned())
                .AddColumn(new TableColumn("priority").RightAligned())
                .AddColumn(new TableColumn("stored at step").RightAligned())
                .AddColumn(new TableColumn("age").RightAligned())
                .AddColumn("values (ReadEntry)");
            using var scope = NewDisposeScope();
            foreach (CriticalBufferEntry e in buffer.Snapshot().OrderedByPriority())
            {
                float[] values = buffer.ReadEntry(e.Slot).data<float>().ToArray();
                table.AddRow(
                    e.Slot.ToString(CultureInfo.InvariantCulture), Number(e.Priority), e.InsertedAt.ToString(CultureInfo.InvariantCulture),
                    e.Age.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape("[" + string.Join(", ", values.Take(6).Select(v => v.ToString("G6", CultureInfo.InvariantCulture))) + (values.Length > 6 ? ", …" : "") + "]"));
            }

            return table;
        }

        private static Table RegionTable(CheckpointAnatomy anatomy)
        {
            var table = new Table().Border(TableBorder.Rounded)
                .Title($"{anatomy.FileLength:N0} bytes")
                .AddColumn(new TableColumn("offset").RightAligned())
                .AddColumn(new TableColumn("bytes").RightAligned())
                .AddColumn("part")
                .AddColumn("content");
            foreach (FileRegion r in anatomy.Regions)
            {
                table.AddRow(r.Offset.ToString("N0", CultureInfo.InvariantCulture), r.Length.ToString("N0", CultureInfo.InvariantCulture),
                    Markup.Escape(r.Part), Markup.Escape(r.Content));
            }

            return table;
        }

        private static Table RecordTable(IReadOnlyList<ParameterState> states)
        {
            var table = new Table().Border(TableBorder.Rounded)
                .Title("the state records, per parameter (bytes)")
                .AddColumn("parameter")
                .AddColumn(new TableColumn("record").RightAligned())
                .AddColumn(new TableColumn("exp_avg + exp_avg_sq").RightAligned())
                .AddColumn(new TableColumn("buffer entries + running sum").RightAligned())
                .AddColumn(new TableColumn("everything else").RightAligned());
            foreach (ParameterState s in states)
            {
                table.AddRow(Markup.Escape(s.Name), $"{s.RecordBytes:N0}", $"{s.MomentBytes:N0}", $"{s.BufferBytes:N0}", $"{s.BookkeepingBytes:N0}");
            }

            return table;
        }

        private static string Describe(CriticalBufferEntry e) =>
            $"{Number(e.Priority)} ({e.InsertedAt.ToString(CultureInfo.InvariantCulture)}, {e.Age.ToString(CultureInfo.InvariantCulture)})";

        private static long Weights(ResumableRun run) => run.Model.parameters().Sum(p => p.numel());

        private static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";

        private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

        private static void Rule(string title)
        {
            AnsiConsole.WriteLine();
            AnsiConsole.Write(new Rule(Markup.Escape(title)).LeftJustified());
        }

        private sealed class Options
        {
            public int Epochs { get; private set; } = 12;

            public int? SaveAfter { get; private set; }

            public int Seed { get; private set; } = 42;

            public int Threads { get; private set; } = 1;

            public string Output { get; private set; } = "checkpoints-output";

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
                        case "--epochs":
                            options.Epochs = reader.Integer(minimum: 2);
                            break;
                        case "--save-after":
                            options.SaveAfter = reader.Integer(minimum: 1);
                            break;
                        case "--seed":
                            options.Seed = reader.Integer(minimum: 0);
                            break;
                        case "--threads":
                            options.Threads = reader.Integer(minimum: 1);
                            break;
                        case "--output":
                            options.Output = reader.Value();
                            break;
                        default:
                            throw reader.Unknown();
                    }
                }

                if (options.SaveAfter is int k && k >= options.Epochs)
                {
                    throw new UsageException($"--save-after must be less than --epochs ({options.Epochs}), not {k}.");
                }

                return options;
            }
        }
    }
}
