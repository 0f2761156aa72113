using System.Collections.Generic;
using System.Linq;

namespace OptimDsl.Examples.Compare
{
    /// <summary>What one epoch of one run ended with.</summary>
    /// <param name="Epoch">1-based epoch number.</param>
    /// <param name="TrainLoss">Mean cross-entropy over the whole training set after the epoch (evaluation pass, no gradient).</param>
    /// <param name="TestLoss">Mean cross-entropy over the test set after the epoch.</param>
    /// <param name="TestAccuracy">Fraction of the test set classified correctly after the epoch, in [0, 1].</param>
    /// <param name="StepMilliseconds">Mean wall time of one <c>optimizer.step()</c> during the epoch, in milliseconds.</param>
    /// <param name="EpochSeconds">Wall time of the epoch's training loop (forward, backward, step), in seconds.</param>
    internal sealed record EpochResult(int Epoch, double TrainLoss, double TestLoss, double TestAccuracy, double StepMilliseconds, double EpochSeconds);

    /// <summary>One optimizer trained from one seed: its epochs in order.</summary>
    internal sealed record TrainingRun(string Optimizer, int Seed, IReadOnlyList<EpochResult> Epochs)
    {
        /// <summary>The last epoch.</summary>
        public EpochResult Final => Epochs[^1];

        /// <summary>
        /// Mean optimizer step time over the run, without the first epoch when there are more (it includes the JIT
        /// compilation and the first allocations); every epoch has the same number of steps.
        /// </summary>
        public double StepMilliseconds => Epochs.Skip(Epochs.Count > 1 ? 1 : 0).Average(e => e.StepMilliseconds);
    }
}
