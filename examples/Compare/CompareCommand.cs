using System;
using System.CommandLine;

namespace OptimDsl.Examples.Compare
{
    /// <summary>The command line of the example (System.CommandLine): options, their help, and their parsing into <see cref="CompareOptions"/>.</summary>
    internal static class CompareCommand
    {
        /// <summary>Spirals defaults: epochs, batch size, learning rate (the Quickstart's model and rate).</summary>
        public static (int Epochs, int BatchSize, double LearningRate, int[] Hidden) SpiralsDefaults { get; } = (60, 64, 1e-2, new[] { 64, 64 });

        /// <summary>Fashion-MNIST defaults: epochs, batch size, learning rate (the Quickstart's model and rate).</summary>
        public static (int Epochs, int BatchSize, double LearningRate, int[] Hidden) FashionMnistDefaults { get; } = (5, 128, 1e-3, new[] { 256, 128 });

        /// <summary>The root command; <paramref name="run"/> receives the parsed options and returns the exit code.</summary>
        public static RootCommand Create(Func<CompareOptions, int> run, Func<string, int> fail, Func<int> listOptimizers)
        {
            var optimizer = new Option<string[]>("--optimizer")
            {
                Description = "Optimizer to train, by class name: any of the OptimDsl catalog (namespace OptimDsl.Optimizers) or " +
                              "declared with the DSL in examples/Shared/Declared (see --list-optimizers). Repeatable; default: " +
                              string.Join(", ", CompareOptions.DefaultOptimizers) + ".",
                HelpName = "NAME",
            };
            var list = new Option<bool>("--list-optimizers") { Description = "Print every optimizer name with its arguments, and exit." };
            var data = new Option<string>("--data")
            {
                Description = "Train on Fashion-MNIST (or MNIST) IDX files in DIR instead of the embedded spirals: " +
                              "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, " +
                              "gzipped or plain (Debian: apt-get install dataset-fashion-mnist, then --data /usr/share/datasets/fashion-mnist). " +
                              "Nothing is downloaded.",
                HelpName = "DIR",
            };
            var seeds = new Option<int>("--seeds")
            {
                Description = "Seeds 0 … N−1 per optimizer; a seed fixes the initial weights and the batch order, the same for every optimizer.",
                HelpName = "N",
                DefaultValueFactory = _ => 5,
            };
            var epochs = new Option<int?>("--epochs")
            {
                Description = $"Epochs per run (default: {SpiralsDefaults.Epochs} on spirals, {FashionMnistDefaults.Epochs} on Fashion-MNIST).",
                HelpName = "N",
            };
            var lr = new Option<double?>("--lr")
            {
                Description = $"Learning rate of every optimizer (default: {Number(SpiralsDefaults.LearningRate)} on spirals, " +
                              $"{Number(FashionMnistDefaults.LearningRate)} on Fashion-MNIST).",
            };
            var batch = new Option<int?>("--batch-size")
            {
                Description = $"Mini-batch size (default: {SpiralsDefaults.BatchSize} on spirals, {FashionMnistDefaults.BatchSize} on Fashion-MNIST).",
                HelpName = "N",
            };
            var topC = new Option<int?>("--topC")
            {
                Description = "Critical-buffer size. Applies only to the optimizers that have a topC argument (critical " +
                              "gradients/momenta); the others ignore it. Default: each optimizer's own.",
                HelpName = "C",
            };
            var decay = new Option<double?>("--decay")
            {
                Description = "Priority decay of the critical buffer, in (0, 1]. Applies only to the optimizers that have a decay " +
                              "argument; the others ignore it. Default: each optimizer's own.",
            };
            var threads = new Option<int>("--threads")
            {
                Description = "CPU threads for TorchSharp (these small models run fastest on one).",
                HelpName = "N",
                DefaultValueFactory = _ => 1,
            };
            var output = new Option<string>("--out")
            {
                Description = "Output folder for loss.png, accuracy.png, curves.csv and summary.csv (created if missing).",
                HelpName = "DIR",
                DefaultValueFactory = _ => "compare-output",
            };

            var command = new RootCommand(
                "Trains a small MLP with each optimizer over several seeds, on the embedded spirals or on Fashion-MNIST, " +
                "and reports mean ± std across seeds of the final training loss, test accuracy and optimizer step time, " +
                "with loss and accuracy curves (PNG) and the numbers of every epoch (CSV).")
            {
                optimizer, list, data, seeds, epochs, lr, batch, topC, decay, threads, output,
            };

            command.SetAction(parsed =>
            {
                if (parsed.GetValue(list)) return listOptimizers();
                int seedCount = parsed.GetValue(seeds);
                int? epochCount = parsed.GetValue(epochs);
                double? rate = parsed.GetValue(lr);
                int? batchSize = parsed.GetValue(batch);
                int? size = parsed.GetValue(topC);
                int threadCount = parsed.GetValue(threads);
                if (seedCount < 1) return fail("--seeds must be at least 1.");
                if (epochCount is not null && epochCount < 1) return fail("--epochs must be at least 1.");
                if (rate is not null && !(rate > 0 && double.IsFinite(rate.Value))) return fail("--lr must be a positive number.");
                if (batchSize is not null && batchSize < 1) return fail("--batch-size must be at least 1.");
                if (size is not null && size < 1) return fail("--topC must be at least 1.");
                if (threadCount < 1) return fail("--threads must be at least 1.");
                return run(new CompareOptions(
                    parsed.GetValue(optimizer) ?? Array.Empty<string>(),
                    parsed.GetValue(data),
                    seedCount,
                    epochCount,
                    rate,
                    batchSize,
                    size,
                    parsed.GetValue(decay),
                    threadCount,
                    parsed.GetValue(output)!));
            });
            return command;
        }

        private static string Number(double value) => value.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);
    }
}
