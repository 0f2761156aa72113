using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace OptimDsl.Examples.Compare
{
    /// <summary>
    /// The CSV outputs (comma-separated, invariant culture, numbers in shortest round-trip form, header first, LF line
    /// ends): <c>curves.csv</c> with one row per (optimizer, seed, epoch) and <c>summary.csv</c> with one row per optimizer.
    /// </summary>
    internal static class CsvWriter
    {
        /// <summary>The columns of <c>curves.csv</c>.</summary>
        public const string CurvesHeader = "optimizer,seed,epoch,train_loss,test_loss,test_accuracy,step_ms,epoch_seconds";

        /// <summary>The columns of <c>summary.csv</c>.</summary>
        public const string SummaryHeader =
            "optimizer,seeds,final_train_loss_mean,final_train_loss_std,test_accuracy_mean,test_accuracy_std,step_ms_mean,step_ms_std";

        /// <summary>The text of <c>curves.csv</c> for <paramref name="runs"/>, in run order then epoch order.</summary>
        public static string Curves(IEnumerable<TrainingRun> runs)
        {
            var text = new StringBuilder(CurvesHeader).Append('\n');
            foreach (TrainingRun run in runs)
            {
                foreach (EpochResult e in run.Epochs)
                {
                    text.Append(Field(run.Optimizer)).Append(',')
                        .Append(run.Seed.ToString(CultureInfo.InvariantCulture)).Append(',')
                        .Append(e.Epoch.ToString(CultureInfo.InvariantCulture)).Append(',')
                        .AppendJoin(',', new[] { e.TrainLoss, e.TestLoss, e.TestAccuracy, e.StepMilliseconds, e.EpochSeconds }.Select(Number))
                        .Append('\n');
                }
            }

            return text.ToString();
        }

        /// <summary>The text of <c>summary.csv</c> for <paramref name="summaries"/>.</summary>
        public static string Summary(IEnumerable<OptimizerSummary> summaries)
        {
            var text = new StringBuilder(SummaryHeader).Append('\n');
            foreach (OptimizerSummary s in summaries)
            {
                text.Append(Field(s.Optimizer)).Append(',')
                    .Append(s.Seeds.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .AppendJoin(',', new[]
                    {
                        s.FinalTrainLoss.Mean, s.FinalTrainLoss.StandardDeviation,
                        s.TestAccuracy.Mean, s.TestAccuracy.StandardDeviation,
                        s.StepMilliseconds.Mean, s.StepMilliseconds.StandardDeviation,
                    }.Select(Number))
                    .Append('\n');
            }

            return text.ToString();
        }

        /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> as UTF-8 without a byte-order mark.</summary>
        public static void Write(string path, string text) => File.WriteAllText(path, text, new UTF8Encoding(false));

        private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

        // Optimizer names are C# identifiers, but quote anything that would break a CSV field.
        private static string Field(string value) =>
            value.IndexOfAny(new[] { ',', '"', '\n', '\r' }) < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";
    }
}
