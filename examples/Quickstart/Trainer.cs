using System;
using System.Collections.Generic;
using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Examples.Quickstart
{
    /// <summary>One optimizer to compare: a name, where it comes from, and how to build it on a model's parameters.</summary>
    internal sealed record Contender(string Name, string Origin, Func<IEnumerable<Parameter>, double, optim.Optimizer> Create);

    /// <summary>Training settings shared by every contender.</summary>
    internal sealed record TrainingSettings(int Epochs, int BatchSize, double LearningRate, int[] Hidden, int Seed);

    /// <summary>What one training run ended with.</summary>
    internal sealed record RunResult(Contender Contender, double TrainLoss, double TestAccuracy, double Seconds);

    /// <summary>Trains a small MLP with one optimizer; the same seed gives every contender the same initial weights and batches.</summary>
    internal static class Trainer
    {
        public static Sequential BuildModel(int inputs, int[] hidden, int classes)
        {
            var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
            int width = inputs;
            for (int i = 0; i < hidden.Length; i++)
            {
                layers.Add(($"fc{i + 1}", nn.Linear(width, hidden[i])));
                layers.Add(($"relu{i + 1}", nn.ReLU()));
                width = hidden[i];
            }

            layers.Add(("out", nn.Linear(width, classes)));
            return nn.Sequential(layers.ToArray());
        }

        /// <summary>Trains one contender; <paramref name="onEpoch"/> receives (epoch, mean training loss of that epoch).</summary>
        public static RunResult Train(Contender contender, Dataset data, TrainingSettings settings, Action<int, double> onEpoch)
        {
            torch.manual_seed(settings.Seed);
            using Sequential model = BuildModel(data.Features, settings.Hidden, data.Classes);
            using optim.Optimizer optimizer = contender.Create(model.parameters(), settings.LearningRate);
            var shuffle = new Random(settings.Seed);
            long n = data.TrainCount;
            var order = new long[n];
            for (long i = 0; i < n; i++) order[i] = i;

            var clock = Stopwatch.StartNew();
            model.train();
            for (int epoch = 1; epoch <= settings.Epochs; epoch++)
            {
                Shuffle(order, shuffle);

                double lossSum = 0;
                int batches = 0;
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
                        optimizer.step();
                        lossSum += loss.item<float>();
                        batches++;
                    }
                }

                onEpoch(epoch, lossSum / batches);
            }

            clock.Stop();
            model.eval();
            var (trainLoss, _) = Evaluate(model, data.TrainX, data.TrainY);
            var (_, testAccuracy) = Evaluate(model, data.TestX, data.TestY);
            return new RunResult(contender, trainLoss, testAccuracy, clock.Elapsed.TotalSeconds);
        }

        /// <summary>Fisher–Yates: a new random order of <paramref name="order"/>, in place.</summary>
        public static void Shuffle(long[] order, Random random)
        {
            for (long i = order.Length - 1; i > 0; i--)
            {
                long j = random.NextInt64(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }

        /// <summary>Mean cross-entropy and accuracy (in [0, 1]) over a whole split, in chunks, without gradients.</summary>
        public static (double Loss, double Accuracy) Evaluate(Sequential model, Tensor x, Tensor y)
        {
            using var noGrad = torch.no_grad();
            long n = x.shape[0];
            double lossSum = 0;
            long correct = 0;
            const long chunk = 8192;
            for (long start = 0; start < n; start += chunk)
            {
                using var scope = torch.NewDisposeScope();
                long count = Math.Min(chunk, n - start);
                Tensor xb = x.narrow(0, start, count);
                Tensor yb = y.narrow(0, start, count);
                Tensor logits = model.forward(xb);
                lossSum += nn.functional.cross_entropy(logits, yb, reduction: nn.Reduction.Sum).item<float>();
                correct += logits.argmax(1).eq(yb).sum().item<long>();
            }

            return (lossSum / n, (double)correct / n);
        }
    }
}
