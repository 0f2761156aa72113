extern alias CompareExample;

using CompareExample::OptimDsl.Examples.Compare;
using Xunit;
using Run = OptimDsl.Examples.Tests.Support.CommandLineRun<CompareExample::OptimDsl.Examples.Compare.CompareOptions>;

namespace OptimDsl.Examples.Tests.Compare
{
    /// <summary>The Compare command line: options parsed into <see cref="CompareOptions"/>, and every validation message, without training.</summary>
    public sealed class CompareCommandTests
    {
        private static Run Invoke(params string[] args) => Run.Invoke(CompareCommand.Create, args);

        [Fact]
        public void WithoutArgumentsTheDataSetsDefaultsApply()
        {
            Run run = Invoke();
            Assert.Equal(Run.RunCode, run.ExitCode);
            CompareOptions options = run.Options!;
            Assert.Empty(options.Optimizers);
            Assert.Null(options.DataDirectory);
            Assert.Equal(5, options.Seeds);
            Assert.Null(options.Epochs);
            Assert.Null(options.LearningRate);
            Assert.Null(options.BatchSize);
            Assert.Null(options.TopC);
            Assert.Null(options.Decay);
            Assert.Equal(1, options.Threads);
            Assert.Equal("compare-output", options.OutputDirectory);
        }

        [Fact]
        public void EveryOptionReachesTheOptions()
        {
            CompareOptions options = Invoke(
                "--optimizer", "Adam", "--optimizer", "AdamCMMean", "--data", "/tmp/fmnist", "--seeds", "3", "--epochs", "2",
                "--lr", "3e-3", "--batch-size", "32", "--topC", "7", "--decay", "0.99", "--threads", "2", "--out", "here").Options!;
            Assert.Equal(new[] { "Adam", "AdamCMMean" }, options.Optimizers);
            Assert.Equal("/tmp/fmnist", options.DataDirectory);
            Assert.Equal(3, options.Seeds);
            Assert.Equal(2, options.Epochs);
            Assert.Equal(3e-3, options.LearningRate);
            Assert.Equal(32, options.BatchSize);
            Assert.Equal(7, options.TopC);
            Assert.Equal(0.99, options.Decay);
            Assert.Equal(2, options.Threads);
            Assert.Equal("here", options.OutputDirectory);
        }

        [Fact]
        public void TheDefaultOptimizersIncludeTheDeclaredOne()
        {
            Assert.Equal(new[] { "Adam", "Adam_CM", "CriticalMomentaAdam", "AdamCMAggregateSecondMoment" }, CompareOptions.DefaultOptimizers);
        }

        [Fact]
        public void ListOptimizersListsInsteadOfTraining()
        {
            Run run = Invoke("--list-optimizers");
            Assert.True(run.Listed);
            Assert.Null(run.Options);
        }

        [Fact]
        public void ANonNumberIsAParseError()
        {
            Run run = Invoke("--seeds", "three");
            Assert.Null(run.Options);
            Assert.Null(run.Failure);
            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains("three", run.Errors);
        }

        [Theory]
        [InlineData("--seeds must be at least 1.", "--seeds", "0")]
        [InlineData("--epochs must be at least 1.", "--epochs", "0")]
        [InlineData("--lr must be a positive number.", "--lr", "0")]
        [InlineData("--lr must be a positive number.", "--lr", "NaN")]
        [InlineData("--batch-size must be at least 1.", "--batch-size", "0")]
        [InlineData("--topC must be at least 1.", "--topC", "-1")]
        [InlineData("--threads must be at least 1.", "--threads", "0")]
        public void OutOfRangeValuesAreRejected(string message, string option, string value)
        {
            Run run = Invoke(option, value);
            Assert.Null(run.Options);
            Assert.Equal(message, run.Failure);
            Assert.Equal(Run.FailCode, run.ExitCode);
        }
    }
}
