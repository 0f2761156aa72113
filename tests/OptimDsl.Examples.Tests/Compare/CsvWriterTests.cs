extern alias CompareExample;

using System;
using System.IO;
using System.Linq;
using CompareExample::OptimDsl.Examples.Compare;
using OptimDsl.Examples.Tests.Support;
using Xunit;

namespace OptimDsl.Examples.Tests.Compare
{
    /// <summary>curves.csv and summary.csv: header, one row per record, invariant culture, shortest round-trip numbers, quoting, LF, no BOM.</summary>
    public sealed class CsvWriterTests
    {
        private static readonly TrainingRun[] Runs =
        {
            new("Adam", 0, new[]
            {
                new EpochResult(1, 0.5, 0.625, 0.9, 0.125, 1.5),
                new EpochResult(2, 0.1 + 0.2, 0.25, 0.98, 0.25, 1.25),
            }),
            new("Adam_CM", 1, new[] { new EpochResult(1, double.NaN, double.PositiveInfinity, 0.0, 0.5, 2) }),
        };

        [Fact]
        public void CurvesHaveAHeaderThenOneRowPerOptimizerSeedAndEpoch()
        {
            string[] lines = CsvWriter.Curves(Runs).Split('\n');
            Assert.Equal(
                new[]
                {
                    "optimizer,seed,epoch,train_loss,test_loss,test_accuracy,step_ms,epoch_seconds",
                    "Adam,0,1,0.5,0.625,0.9,0.125,1.5",
                    "Adam,0,2,0.30000000000000004,0.25,0.98,0.25,1.25",
                    "Adam_CM,1,1,NaN,Infinity,0,0.5,2",
                    string.Empty,
                },
                lines);
        }

        [Fact]
        public void TheSummaryHasOneRowPerOptimizer()
        {
            var summaries = new[]
            {
                new OptimizerSummary("Adam", 5, (0.0167, 0.0057), (0.9953, 0.0038), (0.11, 0.01)),
            };
            Assert.Equal(
                "optimizer,seeds,final_train_loss_mean,final_train_loss_std,test_accuracy_mean,test_accuracy_std,step_ms_mean,step_ms_std\n" +
                "Adam,5,0.0167,0.0057,0.9953,0.0038,0.11,0.01\n",
                CsvWriter.Summary(summaries));
        }

        [Fact]
        public void NumbersUseADotWhateverTheCulture()
        {
            using var culture = new DecimalCommaCulture();
            string csv = CsvWriter.Curves(Runs);
            Assert.Contains("Adam,0,1,0.5,0.625,0.9,0.125,1.5\n", csv);
            var negative = new TrainingRun("Adam", 12345, new[] { new EpochResult(1, -1.5, 1234.5, 1, 0, 0) });
            Assert.Contains("Adam,12345,1,-1.5,1234.5,1,0,0\n", CsvWriter.Curves(new[] { negative }));
        }

        [Theory]
        [InlineData("a,b", "\"a,b\"")]
        [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
        [InlineData("two\nlines", "\"two\nlines\"")]
        [InlineData("Adam_C_eff", "Adam_C_eff")]
        public void ANameThatWouldBreakAFieldIsQuoted(string name, string field)
        {
            string csv = CsvWriter.Curves(new[] { new TrainingRun(name, 0, new[] { new EpochResult(1, 1, 1, 1, 1, 1) }) });
            Assert.StartsWith(CsvWriter.CurvesHeader + "\n" + field + ",0,1,", csv);
            var summary = new OptimizerSummary(name, 1, (1, 0), (1, 0), (1, 0));
            Assert.StartsWith(CsvWriter.SummaryHeader + "\n" + field + ",1,", CsvWriter.Summary(new[] { summary }));
        }

        [Fact]
        public void FilesAreUtf8WithoutAByteOrderMark()
        {
            string path = Path.Combine(Path.GetTempPath(), $"optimdsl-curves-{Guid.NewGuid():N}.csv");
            try
            {
                CsvWriter.Write(path, "optimizer\nAdam±\n");
                byte[] bytes = File.ReadAllBytes(path);
                Assert.Equal((byte)'o', bytes[0]);
                Assert.Equal("optimizer\nAdam±\n", File.ReadAllText(path));
                Assert.Equal(17, bytes.Length); // ± is two bytes in UTF-8
            }
            finally
            {
                File.Delete(path);
            }
        }
    }
}
