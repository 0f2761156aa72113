using System.Collections.Generic;
using System.Linq;
using OptimDsl.Examples.Shared;
using OptimDsl.Examples.Shared.Declared;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;

namespace OptimDsl.Examples.Tests.Shared
{
    /// <summary>
    /// <see cref="OptimizerEntry"/>: settings are bound to the generated constructor by argument name (the learning rate,
    /// the hyper-parameters an optimizer has, defaults for the rest), and a bad value is reported with the optimizer's
    /// name and the argument's. Builds optimizers, takes no step.
    /// </summary>
    public sealed class OptimizerEntryTests
    {
        private static readonly OptimizerRegistry Registry =
            OptimizerRegistry.CatalogAndDeclaredIn(typeof(AdamCMMean).Assembly);

        private static Parameter[] OnePoint() => new[] { new Parameter(torch.zeros(2, dtype: torch.ScalarType.Float64)) };

        private static AdamCMMean.Options OptionsOf(torch.optim.Optimizer optimizer) =>
            (AdamCMMean.Options)((AdamCMMean.ParamGroup)optimizer.ParamGroups.Single()).Options;

        [Fact]
        public void ArgumentNamesAreTheConstructorsAfterTheParameters()
        {
            Assert.Equal(
                new[] { "lr", "beta1", "beta2", "eps", "topC", "decay", "kappa", "synced", "buffer_dtype", "max_age", "fused" },
                Registry.Get(nameof(AdamCMMean)).ArgumentNames);
            Assert.True(Registry.Get(nameof(AdamCMMean)).Accepts("topC"));
            Assert.False(Registry.Get("Adam").Accepts("topC"));
            Assert.False(Registry.Get(nameof(AdamCMMean)).Accepts("TopC"));
        }

        [Fact]
        public void TheLearningRateAndTheHyperparametersItHasAreBoundByName()
        {
            var settings = new OptimizerSettings(0.25).With("topC", 3).With("decay", 0.5).With("momentum", 0.9);
            using torch.optim.Optimizer optimizer = Registry.Get(nameof(AdamCMMean)).Create(OnePoint(), settings);

            AdamCMMean.Options options = OptionsOf(optimizer);
            Assert.Equal(0.25, options.LearningRate);
            Assert.Equal(3, options.topC);
            Assert.Equal(0.5, options.decay);
            Assert.Equal(0.9, options.beta1); // the declared default: "momentum" is not an argument of AdamCMMean
            Assert.Equal(1.0, options.kappa);
        }

        [Fact]
        public void WithReplacesAValueAndLeavesTheOriginalUnchanged()
        {
            var original = new OptimizerSettings(0.1).With("topC", 3);
            OptimizerSettings changed = original.With("topC", 7);
            Assert.Equal(3, original.Hyperparameters["topC"]);
            Assert.Equal(7, changed.Hyperparameters["topC"]);
            Assert.Equal(0.1, changed.LearningRate);
        }

        [Fact]
        public void AnOutOfRangeValueNamesTheOptimizerAndTheArgument()
        {
            var error = Assert.Throws<InvalidOptimizerArgumentException>(
                () => Registry.Get(nameof(AdamCMMean)).Create(OnePoint(), new OptimizerSettings(0.1).With("decay", 2)));
            Assert.Equal("AdamCMMean: Invalid decay: 2; allowed range is (0, 1]. (Parameter 'decay')", error.Message);
        }

        [Fact]
        public void ANonIntegralValueForAnIntegerArgumentIsRejected()
        {
            var error = Assert.Throws<InvalidOptimizerArgumentException>(
                () => Registry.Get(nameof(AdamCMMean)).Create(OnePoint(), new OptimizerSettings(0.1).With("topC", 2.5)));
            Assert.Equal("AdamCMMean: argument 'topC' is Int32; 2.5 does not convert to it.", error.Message);
        }

        [Fact]
        public void AnExplicitLearningRateTurnsAdafactorsRelativeStepOff()
        {
            // Adafactor rejects lr together with relative_step = true; the registry passes relative_step: false.
            using torch.optim.Optimizer optimizer = Registry.Get("Adafactor").Create(OnePoint(), new OptimizerSettings(0.01));
            Assert.Equal(0.01, optimizer.ParamGroups.Single().LearningRate);
        }

        [Fact]
        public void TheEntryBuildsItsOwnType()
        {
            var parameters = new List<Parameter>(OnePoint());
            using torch.optim.Optimizer optimizer = Registry.Get("adam_cm").Factory(parameters, new OptimizerSettings(0.1));
            Assert.IsType<OptimDsl.Optimizers.Adam_CM>(optimizer);
        }
    }
}
