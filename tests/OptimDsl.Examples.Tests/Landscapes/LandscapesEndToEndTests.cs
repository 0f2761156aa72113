using System;
using System.IO;
using System.Linq;
using System.Reflection;
using OptimDsl.Examples.Landscapes;
using OptimDsl.Examples.Landscapes.Functions;
using OptimDsl.Examples.Landscapes.Results;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;

namespace OptimDsl.Examples.Tests.Landscapes
{
    /// <summary>
    /// The Landscapes program from its entry point, as <c>dotnet run --project examples/Landscapes -- ...</c> runs it: a
    /// tiny Goldstein–Price experiment (two optimizers, one start, 20 steps) into a temporary folder, checked through its
    /// results.json; and an unknown optimizer name.
    /// </summary>
    public sealed class LandscapesEndToEndTests : IDisposable
    {
        private const int Steps = 20;
        private static readonly double[] Start = { 1.5, -1.5 };
        private readonly string output = Path.Combine(Path.GetTempPath(), $"optimdsl-landscapes-{Guid.NewGuid():N}");

        private static int RunLandscapes(params string[] args) =>
            (int)typeof(LandscapeOptions).Assembly.EntryPoint!.Invoke(null, new object[] { args })!;

        /// <summary>The same 20 steps with TorchSharp's own Adam (Goldstein–Price's default learning rate, 0.05).</summary>
        private static double[] TorchSharpAdamEnd()
        {
            using var point = new Parameter(torch.tensor(Start, dtype: torch.ScalarType.Float64));
            using var adam = torch.optim.Adam(new[] { point }, lr: 0.05);
            var surface = new GoldsteinPrice();
            for (int k = 0; k < Steps; k++)
            {
                using var scope = torch.NewDisposeScope();
                adam.zero_grad();
                surface.Evaluate(point).backward();
                adam.step();
            }

            return point.detach().data<double>().ToArray();
        }

        [Fact]
        public void ATinyExperimentWritesOneRecordPerRunWithTheLossOfItsEnd()
        {
            int exit = RunLandscapes("--function", "goldstein-price", "--optimizer", "Adam", "--optimizer", "adamcmmean",
                "--steps", Steps.ToString(System.Globalization.CultureInfo.InvariantCulture), "--init", "1.5,-1.5", "--out", output);

            Assert.Equal(0, exit);
            Assert.True(new FileInfo(Path.Combine(output, "goldstein-price.png")).Length > 10_000, "the figure is written");
            RunRecord[] records = ResultsWriter.FromJson(File.ReadAllText(Path.Combine(output, "results.json"))).ToArray();
            Assert.Equal(new[] { "Adam", "AdamCMMean" }, records.Select(r => r.Optimizer)); // registry spelling, run order
            var surface = new GoldsteinPrice();
            foreach (RunRecord record in records)
            {
                Assert.Equal("goldstein-price", record.Function);
                Assert.Equal(0.05, record.LearningRate);
                Assert.Equal(Start, record.Init);
                Assert.NotEqual(Start, record.Final);
                Assert.Equal(surface.ValueAt(record.Final), record.FinalLoss, 9);
                Assert.True(record.FinalLoss < surface.ValueAt(Start), $"{record.Optimizer} descends");
            }

            double[] expected = TorchSharpAdamEnd();
            Assert.Equal(expected[0], records[0].Final[0], 9);
            Assert.Equal(expected[1], records[0].Final[1], 9);
            Assert.NotEqual(records[0].Final, records[1].Final); // the buffer changes the path
        }

        [Fact]
        public void AnUnknownOptimizerFailsWithTheValidNames()
        {
            TextWriter original = Console.Error;
            var errors = new StringWriter();
            Console.SetError(errors);
            int exit;
            try
            {
                exit = RunLandscapes("--function", "ackley", "--optimizer", "Adamm", "--out", output);
            }
            finally
            {
                Console.SetError(original);
            }

            Assert.Equal(2, exit);
            Assert.StartsWith("error: Unknown optimizer 'Adamm'. Valid names: ", errors.ToString());
            Assert.Contains("AdamCMMean", errors.ToString());
            Assert.False(Directory.Exists(output), "nothing is written");
        }

        public void Dispose()
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }
}
