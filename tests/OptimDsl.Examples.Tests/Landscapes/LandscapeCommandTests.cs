using System.Linq;
using OptimDsl.Examples.Landscapes;
using OptimDsl.Examples.Tests.Support;
using Xunit;
using Run = OptimDsl.Examples.Tests.Support.CommandLineRun<OptimDsl.Examples.Landscapes.LandscapeOptions>;

namespace OptimDsl.Examples.Tests.Landscapes
{
    /// <summary>The Landscapes command line: options parsed into <see cref="LandscapeOptions"/>, and every validation message, without running anything.</summary>
    public sealed class LandscapeCommandTests
    {
        private static Run Invoke(params string[] args) => Run.Invoke(LandscapeCommand.Create, args);

        private static void AssertFails(string expected, params string[] args)
        {
            Run run = Invoke(args);
            Assert.Null(run.Options);
            Assert.Equal(expected, run.Failure);
            Assert.Equal(Run.FailCode, run.ExitCode);
        }

        [Fact]
        public void WithoutArgumentsEveryFigureRunsWithItsOwnSettings()
        {
            Run run = Invoke();
            Assert.Equal(Run.RunCode, run.ExitCode);
            LandscapeOptions options = run.Options!;
            Assert.Equal(new[] { "goldstein-price", "ackley", "flat-sharp" }, options.Functions);
            Assert.Empty(options.Optimizers);
            Assert.Empty(options.InitialPoints);
            Assert.Empty(options.Sharpness);
            Assert.Null(options.LearningRate);
            Assert.Null(options.Steps);
            Assert.Null(options.Seeds);
            Assert.Null(options.TopC);
            Assert.Null(options.Decay);
            Assert.Equal("landscapes-output", options.OutputDirectory);
        }

        [Fact]
        public void EveryOptionReachesTheOptions()
        {
            Run run = Invoke(
                "--function", "ackley", "--function", "ackley", "--optimizer", "Adam", "--optimizer", "adamcmmean",
                "--lr", "0.1", "--steps", "20", "--init", "1,2", "--init=-3,0.5", "--seeds", "3",
                "--topC", "4", "--decay", "0.9", "--out", "somewhere");
            LandscapeOptions options = run.Options!;
            Assert.Equal(new[] { "ackley" }, options.Functions);
            Assert.Equal(new[] { "Adam", "adamcmmean" }, options.Optimizers);
            Assert.Equal(0.1, options.LearningRate);
            Assert.Equal(20, options.Steps);
            Assert.Equal(new[] { new[] { 1.0, 2 }, new[] { -3.0, 0.5 } }, options.InitialPoints);
            Assert.Equal(3, options.Seeds);
            Assert.Equal(4, options.TopC);
            Assert.Equal(0.9, options.Decay);
            Assert.Equal("somewhere", options.OutputDirectory);
        }

        [Fact]
        public void FlatSharpTakesOneCoordinateAndSharpnessColumns()
        {
            LandscapeOptions options = Invoke("--function", "flat-sharp", "--init", "1.5", "--sharpness", "2", "--sharpness", "32").Options!;
            Assert.Equal(new[] { 1.5 }, options.InitialPoints.Single());
            Assert.Equal(new[] { 2.0, 32 }, options.Sharpness);
        }

        [Fact]
        public void ListOptimizersListsInsteadOfRunning()
        {
            Run run = Invoke("--list-optimizers", "--function", "ackley");
            Assert.True(run.Listed);
            Assert.Null(run.Options);
            Assert.Equal(Run.ListCode, run.ExitCode);
        }

        [Fact]
        public void AnUnknownFunctionIsAParseErrorNamingTheValidOnes()
        {
            Run run = Invoke("--function", "rosenbrock");
            Assert.Null(run.Options);
            Assert.Null(run.Failure);
            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains("rosenbrock", run.Errors);
            Assert.Contains("goldstein-price", run.Errors);
        }

        [Fact]
        public void InitNeedsExactlyOneFunction()
        {
            const string message = "--init needs exactly one --function (the functions take different points).";
            AssertFails(message, "--init", "1,2");
            AssertFails(message, "--function", "ackley", "--function", "goldstein-price", "--init", "1,2");
        }

        [Fact]
        public void InitTakesAsManyCoordinatesAsTheFunction()
        {
            AssertFails("--init: flat-sharp takes one coordinate (x).", "--function", "flat-sharp", "--init", "1,2");
            AssertFails("--init: ackley takes two coordinates (x,y).", "--function", "ackley", "--init", "1");
        }

        [Fact]
        public void AnInitThatIsNotAPointIsReportedWithTheParsersMessage()
        {
            AssertFails("--init: 'x' in 'x,1' is not a finite number (use a dot as the decimal separator).", "--function", "ackley", "--init", "x,1");
        }

        [Theory]
        [InlineData("--lr must be a positive number.", "--lr", "0")]
        [InlineData("--lr must be a positive number.", "--lr", "-0.1")]
        [InlineData("--lr must be a positive number.", "--lr", "Infinity")]
        [InlineData("--steps must be at least 1.", "--steps", "0")]
        [InlineData("--seeds must be at least 1.", "--seeds", "0")]
        [InlineData("--topC must be at least 1.", "--topC", "0")]
        [InlineData("--sharpness values must be finite numbers ≥ 1.", "--sharpness", "0.5")]
        public void OutOfRangeValuesAreRejected(string message, string option, string value)
        {
            AssertFails(message, option, value);
        }
    }
}
