using System;
using System.Collections.Generic;
using System.Linq;
using OptimDsl.Examples.Quickstart;
using OptimDsl.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.optim.lr_scheduler;

namespace OptimDsl.Examples.Checkpoints
{
    /// <summary>What a run is made of; a checkpoint fits only a run created with the same settings.</summary>
    /// <param name="Epochs">Length of the schedule: the cosine's <c>T_max</c>.</param>
    /// <param name="BatchSize">Examples per step.</param>
    /// <param name="LearningRate">Initial learning rate (the cosine starts there and ends at 1 % of it).</param>
    /// <param name="Hidden">Widths of the MLP's hidden layers.</param>
    /// <param name="TopC">Capacity of the critical buffers.</param>
    /// <param name="Seed">Seed of the initial weights and of every epoch's batch order.</param>
    internal sealed record RunSettings(int Epochs, int BatchSize, double LearningRate, int[] Hidden, int TopC, int Seed);

    /// <summary>One epoch of a run: its number, the learning rate it trained with and its mean training loss.</summary>
    internal sealed record EpochResult(int Epoch, double LearningRate, double Loss);

    /// <summary>
    /// A training run that can stop after any epoch and continue from a checkpoint exactly as if it had not stopped: the
    /// MLP of the Quickstart on the embedded spirals, the catalog's <see cref="CriticalMomentaAdam"/> (Adam whose update
    /// also uses the mean of the <c>topC</c> momenta that came with the largest gradient norms) and a cosine learning-rate
    /// schedule stepped once per epoch.
    /// </summary>
    /// <remarks>
    /// Everything a continuation depends on is either saved (<see cref="TrainingCheckpoint"/>: weights, optimizer state,
    /// completed epochs) or rebuilt from the settings: the batch order of epoch e is drawn from a generator seeded with
    /// (seed, e), so no random-generator state has to be saved, and the schedule is replayed (TorchSharp's schedulers have
    /// no state of their own to save).
    /// </remarks>
    internal sealed class ResumableRun : IDisposable
    {
        private readonly Dataset _data;

        private ResumableRun(Dataset data, RunSettings settings)
        {
            _data = data;
            Settings = settings;
            torch.manual_seed(settings.Seed);
            Model = Trainer.BuildModel(data.Features, settings.Hidden, data.Classes);
            Optimizer = new CriticalMomentaAdam(Model.named_parameters(), lr: settings.LearningRate, topC: settings.TopC);
            Scheduler = CosineAnnealingLR(Optimizer, T_max: settings.Epochs, eta_min: settings.LearningRate / 100);
        }

        /// <summary>The settings the run was created with.</summary>
        public RunSettings Settings { get; }

        /// <summary>The model.</summary>
        public Sequential Model { get; }

        /// <summary>The optimizer over <see cref="Model"/>'s parameters (one group, in <c>named_parameters()</c> order).</summary>
        public CriticalMomentaAdam Optimizer { get; }

        /// <summary>The cosine schedule over <see cref="Optimizer"/>, stepped after every epoch.</summary>
        public LRScheduler Scheduler { get; }

        /// <summary>Epochs trained so far (the scheduler has been stepped as many times).</summary>
        public int CompletedEpochs { get; private set; }

        /// <summary>The learning rate the next epoch trains with.</summary>
        public double LearningRate => Optimizer.ParamGroups.First().LearningRate;

        /// <summary>A new run at epoch 0: fresh weights from the seed, fresh optimizer state, the schedule at its start.</summary>
        /// <param name="data">The data set.</param>
        /// <param name="settings">The settings.</param>
        public static ResumableRun Start(Dataset data, RunSettings settings) => new(data, settings);

        /// <summary>
        /// A run that continues where the checkpoint at <paramref name="path"/> stopped: created as by <see cref="Start"/>
        /// (same structure), then loaded (see <see cref="TrainingCheckpoint.Load"/>).
        /// </summary>
        /// <param name="path">The checkpoint file.</param>
        /// <param name="data">The data set.</param>
        /// <param name="settings">The settings of the run that was saved.</param>
        /// <exception cref="System.IO.InvalidDataException">The file is not a checkpoint of a run with these settings, or is damaged.</exception>
        public static ResumableRun Resume(string path, Dataset data, RunSettings settings)
        {
            var run = new ResumableRun(data, settings);
            try
            {
                TrainingCheckpoint.Load(path, run);
                return run;
            }
            catch
            {
                run.Dispose();
                throw;
            }
        }

        /// <summary>Trains one epoch, then steps the schedule.</summary>
        /// <returns>The epoch's number, learning rate and mean training loss.</returns>
        public EpochResult TrainEpoch()
        {
            int epoch = CompletedEpochs + 1;
            double lr = LearningRate;
            long[] order = BatchOrder(Settings.Seed, epoch, _data.TrainCount);
            double lossSum = 0;
            int batches = 0;
            Model.train();
            using (var epochScope = torch.NewDisposeScope())
            {
                Tensor permutation = torch.tensor(order);
                for (long start = 0; start < order.Length; start += Settings.BatchSize)
                {
                    using var batchScope = torch.NewDisposeScope();
                    Tensor index = permutation.narrow(0, start, Math.Min(Settings.BatchSize, order.Length - start));
                    Optimizer.zero_grad();
                    Tensor loss = nn.functional.cross_entropy(Model.forward(_data.TrainX.index_select(0, index)), _data.TrainY.index_select(0, index));
                    loss.backward();
                    Optimizer.step();
                    lossSum += loss.item<float>();
                    batches++;
                }
            }

            Scheduler.step();
            CompletedEpochs = epoch;
            return new EpochResult(epoch, lr, lossSum / batches);
        }

        /// <summary>Trains until <paramref name="lastEpoch"/> (inclusive).</summary>
        /// <param name="lastEpoch">The last epoch to train.</param>
        /// <param name="afterEpoch">Called after every epoch (e.g. to save a checkpoint).</param>
        /// <returns>One result per epoch trained.</returns>
        public List<EpochResult> TrainThrough(int lastEpoch, Action<EpochResult>? afterEpoch = null)
        {
            var results = new List<EpochResult>();
            while (CompletedEpochs < lastEpoch)
            {
                EpochResult result = TrainEpoch();
                results.Add(result);
                afterEpoch?.Invoke(result);
            }

            return results;
        }

        /// <summary>Sets <see cref="CompletedEpochs"/> after a load; only <see cref="TrainingCheckpoint"/> calls it.</summary>
        /// <param name="epochs">The checkpoint's completed epochs.</param>
        internal void RestoreCompletedEpochs(int epochs) => CompletedEpochs = epochs;

        /// <summary>The batch order of one epoch: a permutation of the training set drawn from a generator seeded with (seed, epoch).</summary>
        /// <param name="seed">The run's seed.</param>
        /// <param name="epoch">The epoch (1-based).</param>
        /// <param name="count">Training examples.</param>
        public static long[] BatchOrder(int seed, int epoch, long count)
        {
            // A fixed formula (not HashCode.Combine, which is randomised per process): the same order in every process.
            var random = new Random(unchecked(seed * 100_003 + epoch) & int.MaxValue);
            var order = new long[count];
            for (long i = 0; i < count; i++)
            {
                order[i] = i;
            }

            Trainer.Shuffle(order, random);
            return order;
        }

        /// <summary>Releases the optimizer's state and the model.</summary>
        public void Dispose()
        {
            Optimizer.Dispose();
            Model.Dispose();
        }
    }
}
