using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using OptimDsl.Examples.Landscapes.Functions;
using OptimDsl.Examples.Landscapes.Results;
using OptimDsl.Examples.Tests.Support;
using Xunit;

namespace OptimDsl.Examples.Tests.Landscapes
{
    /// <summary>results.json: exactly the documented fields, numbers that round-trip, null for non-finite numbers, [x, 0] for one variable.</summary>
    public sealed class ResultsWriterTests
    {
        private static readonly RunRecord TwoVariables =
            new("goldstein-price", "AdamCMMean", 0.05, new[] { 1.5, -1.5 }, new[] { 0.1 + 0.2, -1.0 / 3 }, 3.000000000000001);

        [Fact]
        public void ARecordRoundTrips()
        {
            RunRecord back = ResultsWriter.FromJson(ResultsWriter.ToJson(new[] { TwoVariables })).Single();
            Assert.Equal(TwoVariables.Function, back.Function);
            Assert.Equal(TwoVariables.Optimizer, back.Optimizer);
            Assert.Equal(TwoVariables.LearningRate, back.LearningRate);
            Assert.Equal(TwoVariables.Init, back.Init);
            Assert.Equal(TwoVariables.Final, back.Final); // 0.30000000000000004 and −0.333… exactly
            Assert.Equal(TwoVariables.FinalLoss, back.FinalLoss);
        }

        [Fact]
        public void EachRecordHasExactlyTheDocumentedFields()
        {
            using JsonDocument json = JsonDocument.Parse(ResultsWriter.ToJson(new[] { TwoVariables, TwoVariables }));
            Assert.Equal(JsonValueKind.Array, json.RootElement.ValueKind);
            Assert.Equal(2, json.RootElement.GetArrayLength());
            JsonElement record = json.RootElement[0];
            Assert.Equal(
                new[] { "function", "optimizer", "lr", "init", "final", "final_loss" },
                record.EnumerateObject().Select(p => p.Name));
            Assert.Equal("goldstein-price", record.GetProperty("function").GetString());
            Assert.Equal(0.05, record.GetProperty("lr").GetDouble());
            Assert.Equal(2, record.GetProperty("init").GetArrayLength());
        }

        [Fact]
        public void NumbersAreShortestRoundTripWithADotWhateverTheCulture()
        {
            using var culture = new DecimalCommaCulture();
            string json = ResultsWriter.ToJson(new[] { TwoVariables });
            Assert.Contains("\"lr\": 0.05", json);
            Assert.Contains("1.5,", json);
            Assert.Contains("-1.5", json);
            Assert.Contains("0.30000000000000004", json);
            Assert.DoesNotContain("\u2212", json);
        }

        [Fact]
        public void NonFiniteNumbersAreWrittenNullAndReadBackAsNaN()
        {
            var diverged = new RunRecord("goldstein-price", "SGD", 1, new[] { 1.5, 1.5 },
                new[] { double.NaN, double.PositiveInfinity }, double.NegativeInfinity);
            string json = ResultsWriter.ToJson(new[] { diverged });
            using (JsonDocument document = JsonDocument.Parse(json))
            {
                JsonElement record = document.RootElement[0];
                Assert.Equal(JsonValueKind.Null, record.GetProperty("final_loss").ValueKind);
                Assert.All(record.GetProperty("final").EnumerateArray(), v => Assert.Equal(JsonValueKind.Null, v.ValueKind));
            }

            RunRecord back = ResultsWriter.FromJson(json).Single();
            Assert.True(double.IsNaN(back.FinalLoss));
            Assert.All(back.Final, v => Assert.True(double.IsNaN(v)));
        }

        [Fact]
        public void AOneVariableRunIsWrittenAsXComma0()
        {
            var surface = new FlatSharp(16);
            RunRecord record = RunRecord.From(SyntheticRuns.Through(surface, "Adam", 0.05, new[] { 2.0 }, new[] { 1.5 }, new[] { 1.0 }));
            Assert.Equal("flat-sharp(sharpness=16)", record.Function);
            Assert.Equal("Adam", record.Optimizer);
            Assert.Equal(0.05, record.LearningRate);
            Assert.Equal(new[] { 2.0, 0 }, record.Init);
            Assert.Equal(new[] { 1.0, 0 }, record.Final);
            Assert.Equal(surface.ValueAt(new[] { 1.0 }), record.FinalLoss);
        }

        [Fact]
        public void APointHasOneOrTwoCoordinates()
        {
            Assert.Equal(new[] { 1.0, 2 }, RunRecord.AsPair(new[] { 1.0, 2 }));
            Assert.Throws<ArgumentException>(() => RunRecord.AsPair(new[] { 1.0, 2, 3 }));
            Assert.Throws<ArgumentException>(() => RunRecord.AsPair(Array.Empty<double>()));
        }

        [Fact]
        public void TheFileIsTheJsonTextWithANewlineAtTheEnd()
        {
            string path = Path.Combine(Path.GetTempPath(), $"optimdsl-results-{Guid.NewGuid():N}.json");
            try
            {
                ResultsWriter.Write(path, new[] { TwoVariables });
                string text = File.ReadAllText(path);
                Assert.Equal(ResultsWriter.ToJson(new[] { TwoVariables }) + Environment.NewLine, text);
                Assert.Equal(TwoVariables.Final, ResultsWriter.FromJson(text).Single().Final);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void AJsonNullDocumentIsAnError()
        {
            Assert.Throws<JsonException>(() => ResultsWriter.FromJson("null"));
        }
    }
}
