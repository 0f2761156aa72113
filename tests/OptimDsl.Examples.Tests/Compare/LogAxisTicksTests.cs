extern alias CompareExample;

using System;
using CompareExample::OptimDsl.Examples.Compare;
using Xunit;

namespace OptimDsl.Examples.Tests.Compare
{
    /// <summary>The labelled ticks of the loss figure's logarithmic axis.</summary>
    public sealed class LogAxisTicksTests
    {
        [Fact]
        public void PowersOfTenWhenTheRangeSpansThreeOrMore()
        {
            Assert.Equal(new[] { 1.0, 10, 100, 1000 }, LogAxisTicks.Between(0.5, 2000));
        }

        [Fact]
        public void OneTwoFiveStepsWhenPowersOfTenAreTooFew()
        {
            Assert.Equal(new[] { 0.02, 0.05, 0.1, 0.2, 0.5 }, LogAxisTicks.Between(0.015, 0.9));
        }

        [Fact]
        public void EveryDigitWhenOneTwoFiveIsTooFew()
        {
            Assert.Equal(new[] { 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9 }, LogAxisTicks.Between(0.3, 0.9));
        }

        [Fact]
        public void EveryTenthOfADigitForANarrowRange()
        {
            Assert.Equal(new[] { 1.1, 1.2, 1.3 }, LogAxisTicks.Between(1.05, 1.35));
        }

        [Fact]
        public void AtMostTwelveTicks()
        {
            // 10⁻⁶ … 10⁶ is 13 powers of ten: every second one is kept.
            Assert.Equal(new[] { 1e-6, 1e-4, 1e-2, 1, 1e2, 1e4, 1e6 }, LogAxisTicks.Between(1e-6, 1e6));
        }

        [Theory]
        [InlineData(0.0, 1.0)]
        [InlineData(-1.0, 1.0)]
        [InlineData(2.0, 1.0)]
        [InlineData(double.NaN, 1.0)]
        public void ARangeThatIsNotPositiveAndOrderedIsRejected(double low, double high)
        {
            Assert.Throws<ArgumentException>(() => LogAxisTicks.Between(low, high));
        }
    }
}
