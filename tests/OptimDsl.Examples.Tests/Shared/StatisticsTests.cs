using System;
using OptimDsl.Examples.Shared;
using OptimDsl.Examples.Tests.Support;
using Xunit;

namespace OptimDsl.Examples.Tests.Shared
{
    /// <summary><see cref="Statistics"/>: sample mean and standard deviation, element-wise over series, and their text.</summary>
    public sealed class StatisticsTests
    {
        [Fact]
        public void TheStandardDeviationIsTheSampleOne()
        {
            var (mean, deviation) = Statistics.MeanAndStandardDeviation(new[] { 1.0, 2, 3, 4 });
            Assert.Equal(2.5, mean, 15);
            Assert.Equal(Math.Sqrt(5.0 / 3), deviation, 15); // Σ(x − 2.5)² = 5, divided by n − 1 = 3
        }

        [Fact]
        public void OneValueHasNoSpread()
        {
            Assert.Equal((7.25, 0.0), Statistics.MeanAndStandardDeviation(new[] { 7.25 }));
        }

        [Fact]
        public void EqualValuesHaveNoSpread()
        {
            Assert.Equal((0.25, 0.0), Statistics.MeanAndStandardDeviation(new[] { 0.25, 0.25, 0.25 }));
        }

        [Fact]
        public void NoValuesIsAnError()
        {
            Assert.Throws<ArgumentException>(() => Statistics.MeanAndStandardDeviation(Array.Empty<double>()));
        }

        [Fact]
        public void ANaNAmongSeveralValuesMakesBothNaN()
        {
            var (mean, deviation) = Statistics.MeanAndStandardDeviation(new[] { 1.0, double.NaN, 3 });
            Assert.True(double.IsNaN(mean));
            Assert.True(double.IsNaN(deviation));
        }

        [Fact]
        public void ASingleNaNHasANaNMeanAndNoSpread()
        {
            // As implemented: one value has deviation 0 whatever it is; the NaN shows in the mean.
            var (mean, deviation) = Statistics.MeanAndStandardDeviation(new[] { double.NaN });
            Assert.True(double.IsNaN(mean));
            Assert.Equal(0, deviation);
        }

        [Fact]
        public void PointwiseSummariesTakeOneValueFromEachSeries()
        {
            var (mean, deviation) = Statistics.PointwiseMeanAndStandardDeviation(new[]
            {
                new[] { 1.0, 10, 5 },
                new[] { 3.0, 10, 7 },
            });
            Assert.Equal(new[] { 2.0, 10, 6 }, mean);
            Assert.Equal(new[] { Math.Sqrt(2), 0, Math.Sqrt(2) }, deviation);
        }

        [Fact]
        public void PointwiseSummariesNeedEquallyLongSeries()
        {
            var error = Assert.Throws<ArgumentException>(() => Statistics.PointwiseMeanAndStandardDeviation(new[]
            {
                new[] { 1.0, 2 },
                new[] { 1.0 },
            }));
            Assert.Contains("same length", error.Message);
            Assert.Throws<ArgumentException>(() => Statistics.PointwiseMeanAndStandardDeviation(Array.Empty<double[]>()));
        }

        [Fact]
        public void TheTextIsMeanPlusMinusDeviationInTheInvariantCulture()
        {
            using var culture = new DecimalCommaCulture();
            Assert.Equal("0.412 ± 0.031", Statistics.Format((0.41249, 0.0311), "F3"));
            Assert.Equal("-1.50 ± 0.00", Statistics.Format((-1.5, 0), "F2"));
        }
    }
}
