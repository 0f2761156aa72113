using System;
using System.Collections.Generic;
using System.Diagnostics;
using OptimDsl.Examples.Quickstart;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Examples.Compare
{
    /// <summary>
    /// The Quickstart's training loop (<see cref="Trainer"/>: same model, same seeded initial weights and batch order)
    /// extended for comparisons: after every epoch it evaluates the training and test sets, and it times each
    /// <c>optimizer.step()</c> on its own.
    /// </summary>
    internal static class EpochTrainer
    {
        /// <summary>
        /// Trains <paramref name="contender"/> from <c>settings.Seed</c>; <paramref name="onEpoch"/> receives each epoch's
        /// result as soon as it is known.
        /// </summary>
        public static TrainingRun Train(Contender contender, Dataset data, TrainingSettings settings, Action<EpochResult> onEpoch)
        {
            torch.manual_seed(settings.Seed);
            using Sequential model = Trainer.BuildModel(data.Features, settings.Hidden, data.Classes);
            using optim.Optimizer optimizer = contender.Create(model.parameters(), settings.LearningRate);
            var shuffle = new Random(settings.Seed);
            long n = data.TrainCount;
            var order = new long[n];
            for (long i = 0; i < n; i++) order[i] = i;

            var epochs = new List<EpochResult>();
            for (int epoch = 1; epoch <= settings.Epochs; epoch++)
            {
                Trainer.Shuffle(order, shuffle);

                long stepTicks = 0;
                int steps = 0;
                var epochClock = Stopwatch.StartNew();
                model.train();
                using (var epochScope = torch.NewDisposeScope())
                {
                    Tensor permutation = torch.tensor(order);
                    for (long start = 0; start < n; start += settings.BatchSize)
                    {
                        using var batchScope = torch.NewDisposeScope();
                        Tensor index = permutation.narrow(0, start, Math.Min(settings.BatchSize, n - start));
                        Tensor x = data.TrainX.index_select(0, index);
                        Tensor y = data.TrainY.index_select(0, index);
                        optimizer.zero_grad();
                        Tensor loss = nn.functional.cross_entropy(model.forward(x), y);
                        loss.backward();
                        long before = Stopwatch.GetTimestamp();
                        optimizer.step();
                        stepTicks += Stopwatch.GetTimestamp() - before;
                        steps++;
                    }
                }

                epochClock.Stop();
                model.eval();
                var (trainLoss, _) = Trainer.Evaluate(model, data.TrainX, data.TrainY);
                var (testLoss, testAccuracy) = Trainer.Evaluate(model, data.TestX, data.TestY);
                var result = new EpochResult(
                    epoch,
                    trainLoss,
                    testLoss,
                    testAccuracy,
                    1000.0 * stepTicks / Stopwatch.Frequency / steps,
                    epochClock.Elapsed.TotalSeconds);
                epochs.Add(result);
                onEpoch(result);
            }

            return new TrainingRun(contender.Name, settings.Seed, epochs);
        }
    }
}
