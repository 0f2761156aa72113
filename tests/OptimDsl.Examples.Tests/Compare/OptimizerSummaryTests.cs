extern alias CompareExample;

using System;
using System.Linq;
using CompareExample::OptimDsl.Examples.Compare;
using Xunit;

namespace OptimDsl.Examples.Tests.Compare
{
    /// <summary>The table's and summary.csv's numbers: the last epoch of each run, the step time without the first epoch, mean ± std over seeds.</summary>
    public sealed class OptimizerSummaryTests
    {
        private static EpochResult Epoch(int epoch, double trainLoss, double accuracy, double stepMs) =>
            new(epoch, trainLoss, trainLoss, accuracy, stepMs, 1);

        [Fact]
        public void TheStepTimeOfARunLeavesOutTheFirstEpoch()
        {
            var run = new TrainingRun("Adam", 0, new[] { Epoch(1, 1, 0.5, 10), Epoch(2, 1, 0.5, 2), Epoch(3, 1, 0.5, 4) });
            Assert.Equal(3, run.StepMilliseconds);
            Assert.Equal(3, run.Final.Epoch);
        }

        [Fact]
        public void TheStepTimeOfAOneEpochRunIsThatEpochs()
        {
            Assert.Equal(10, new TrainingRun("Adam", 0, new[] { Epoch(1, 1, 0.5, 10) }).StepMilliseconds);
        }

        [Fact]
        public void EachOptimizerIsSummarisedOverItsSeedsInOrderOfFirstAppearance()
        {
            var runs = new[]
            {
                new TrainingRun("Adam_CM", 0, new[] { Epoch(1, 9, 0.1, 10), Epoch(2, 0.3, 0.90, 1) }),
                new TrainingRun("Adam", 0, new[] { Epoch(1, 9, 0.1, 10), Epoch(2, 0.2, 0.95, 2) }),
                new TrainingRun("Adam_CM", 1, new[] { Epoch(1, 9, 0.1, 10), Epoch(2, 0.5, 0.80, 3) }),
            };
            OptimizerSummary[] summaries = OptimizerSummary.Of(runs).ToArray();

            Assert.Equal(new[] { "Adam_CM", "Adam" }, summaries.Select(s => s.Optimizer));
            OptimizerSummary cm = summaries[0];
            Assert.Equal(2, cm.Seeds);
            Assert.Equal(0.4, cm.FinalTrainLoss.Mean, 12);
            Assert.Equal(Math.Sqrt(0.02), cm.FinalTrainLoss.StandardDeviation, 12);
            Assert.Equal(0.85, cm.TestAccuracy.Mean, 12);
            Assert.Equal(2, cm.StepMilliseconds.Mean, 12);
            Assert.Equal(Math.Sqrt(2), cm.StepMilliseconds.StandardDeviation, 12);

            OptimizerSummary adam = summaries[1];
            Assert.Equal(1, adam.Seeds);
            Assert.Equal((0.2, 0.0), adam.FinalTrainLoss);
        }
    }
}
