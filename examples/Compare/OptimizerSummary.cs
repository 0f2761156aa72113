using System.Collections.Generic;
using System.Linq;
using OptimDsl.Examples.Shared;

namespace OptimDsl.Examples.Compare
{
    /// <summary>One optimizer over all its seeds: mean and standard deviation across seeds of the final numbers.</summary>
    internal sealed record OptimizerSummary(
        string Optimizer,
        int Seeds,
        (double Mean, double StandardDeviation) FinalTrainLoss,
        (double Mean, double StandardDeviation) TestAccuracy,
        (double Mean, double StandardDeviation) StepMilliseconds)
    {
        /// <summary>The summary of each optimizer of <paramref name="runs"/>, in order of first appearance.</summary>
        public static IReadOnlyList<OptimizerSummary> Of(IEnumerable<TrainingRun> runs) =>
            runs.GroupBy(r => r.Optimizer)
                .Select(g => new OptimizerSummary(
                    g.Key,
                    g.Count(),
                    Statistics.MeanAndStandardDeviation(g.Select(r => r.Final.TrainLoss).ToArray()),
                    Statistics.MeanAndStandardDeviation(g.Select(r => r.Final.TestAccuracy).ToArray()),
                    Statistics.MeanAndStandardDeviation(g.Select(r => r.StepMilliseconds).ToArray())))
                .ToArray();
    }
}
