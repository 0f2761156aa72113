using System;
using OptimDsl.Examples.Landscapes.Functions;
using OptimDsl.Examples.Tests.Support;
using Xunit;

namespace OptimDsl.Examples.Tests.Landscapes
{
    /// <summary>The flat–sharp surface's barrier between its wells, its name in results.json, and its sharpness check.</summary>
    public sealed class FlatSharpTests
    {
        [Theory]
        [InlineData(1.0, 0.0)]
        [InlineData(2.0, 0.288)]
        [InlineData(4.0, 0.567)]
        [InlineData(8.0, 0.763)]
        [InlineData(16.0, 0.875)]
        public void TheBarrierIsWhereDocsLandscapesSaysItIs(double sharpness, double expected)
        {
            Assert.Equal(expected, new FlatSharp(sharpness).Barrier, 3);
        }

        [Fact]
        public void TheBarrierIsTheHighestPointBetweenTheWells()
        {
            var surface = new FlatSharp(4);
            double barrier = surface.Barrier;
            double top = surface.ValueAt(new[] { barrier });
            Assert.True(top >= surface.ValueAt(new[] { barrier - 0.01 }));
            Assert.True(top >= surface.ValueAt(new[] { barrier + 0.01 }));
        }

        [Fact]
        public void TheNameCarriesTheSharpnessInTheInvariantCulture()
        {
            using var culture = new DecimalCommaCulture();
            Assert.Equal("flat-sharp(sharpness=16)", new FlatSharp(16).Name);
            Assert.Equal("flat-sharp(sharpness=2.5)", new FlatSharp(2.5).Name);
            Assert.Equal(1, new FlatSharp(2.5).Dimensions);
        }

        [Theory]
        [InlineData(0.99)]
        [InlineData(0.0)]
        [InlineData(double.NaN)]
        [InlineData(double.PositiveInfinity)]
        public void ASharpnessBelowOneOrNotFiniteIsRejected(double sharpness)
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => new FlatSharp(sharpness));
            Assert.Equal("sharpness", error.ParamName);
        }
    }
}
