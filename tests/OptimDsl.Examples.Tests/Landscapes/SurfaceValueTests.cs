using System;
using OptimDsl.Examples.Landscapes.Experiments;
using OptimDsl.Examples.Landscapes.Functions;
using TorchSharp;
using Xunit;

namespace OptimDsl.Examples.Tests.Landscapes
{
    /// <summary>
    /// The toy surfaces at points whose values are known: the documented minima of Goldstein–Price and Ackley, a closed
    /// form of Ackley, and the flat–sharp formula of docs/LANDSCAPES.md; and a batch of points evaluates like single points.
    /// </summary>
    public sealed class SurfaceValueTests
    {
        [Theory]
        [InlineData(0.0, -1.0, 3.0)]
        [InlineData(-0.6, -0.4, 30.0)]
        [InlineData(1.8, 0.2, 84.0)]
        [InlineData(1.2, 0.8, 840.0)]
        public void GoldsteinPriceHasItsDocumentedMinima(double x, double y, double expected)
        {
            Assert.Equal(expected, new GoldsteinPrice().ValueAt(new[] { x, y }), 9);
        }

        [Fact]
        public void TheExperimentsTableOfMinimaMatchesTheFunction()
        {
            var surface = new GoldsteinPrice();
            foreach (NamedMinimum minimum in GoldsteinPriceExperiment.Minima)
            {
                Assert.Equal(minimum.Loss, surface.ValueAt(minimum.Point), 9);
            }

            Assert.Equal(new[] { 0.0, -1.0 }, surface.GlobalMinima[0]);
        }

        [Fact]
        public void GoldsteinPriceAtTheOriginIs600()
        {
            // [1 + 1·19]·[30 + 0] = 600.
            Assert.Equal(600, new GoldsteinPrice().ValueAt(new[] { 0.0, 0.0 }), 12);
        }

        [Fact]
        public void AckleyIsZeroAtTheOrigin()
        {
            Assert.Equal(0, new Ackley().ValueAt(new[] { 0.0, 0.0 }), 12);
        }

        [Theory]
        [InlineData(1.0, 0.0)]
        [InlineData(0.0, -2.0)]
        [InlineData(1.0, 1.0)]
        public void AckleyAtIntegerPointsHasItsClosedForm(double x, double y)
        {
            // cos 2πx = cos 2πy = 1 there, so the wave term is −e and f = 20·(1 − exp(−0.2·√(0.5(x² + y²)))).
            double expected = 20 * (1 - Math.Exp(-0.2 * Math.Sqrt(0.5 * (x * x + y * y))));
            Assert.Equal(expected, new Ackley().ValueAt(new[] { x, y }), 12);
        }

        [Fact]
        public void AckleyAtAHalfIntegerPoint()
        {
            // (0.5, 0): cos π = −1, cos 0 = 1, so the wave term is −exp(0) = −1.
            double expected = -20 * Math.Exp(-0.2 * Math.Sqrt(0.125)) - 1 + Math.E + 20;
            Assert.Equal(expected, new Ackley().ValueAt(new[] { 0.5, 0.0 }), 12);
        }

        [Theory]
        [InlineData(1.0, -1.0)]
        [InlineData(1.0, 1.0)]
        [InlineData(4.0, 0.3)]
        [InlineData(16.0, 0.9)]
        [InlineData(2.0, -2.5)]
        public void FlatSharpFollowsItsFormula(double sharpness, double x)
        {
            const double w = 0.5;
            double expected = 1 - Math.Exp(-(x + 1) * (x + 1) / (2 * w * w))
                - Math.Exp(-sharpness * sharpness * (x - 1) * (x - 1) / (2 * w * w)) + 0.02 * x * x;
            Assert.Equal(expected, new FlatSharp(sharpness).ValueAt(new[] { x }), 12);
        }

        [Fact]
        public void BothFlatSharpWellsAreAboutTwoHundredthsDeep()
        {
            // docs/LANDSCAPES.md: both minima are at f ≈ 0.02.
            var surface = new FlatSharp(4);
            Assert.InRange(surface.ValueAt(new[] { FlatSharp.FlatCentre }), 0.0195, 0.0205);
            Assert.InRange(surface.ValueAt(new[] { FlatSharp.SharpCentre }), 0.0195, 0.0205);
            Assert.True(surface.ValueAt(new[] { 0.6 }) > 0.5, "a barrier separates the wells");
        }

        [Fact]
        public void ABatchOfPointsEvaluatesLikeEachPoint()
        {
            var surface = new GoldsteinPrice();
            double[,] grid = surface.Grid(columns: 3, rows: 2, region: (-2, 2, -1, 1));
            Assert.Equal(2, grid.GetLength(0));
            Assert.Equal(3, grid.GetLength(1));
            // Row 0 is the top of the image (y = YMax), column 0 the left (x = XMin).
            Assert.Equal(surface.ValueAt(new[] { -2.0, 1.0 }), grid[0, 0], 9);
            Assert.Equal(surface.ValueAt(new[] { 0.0, 1.0 }), grid[0, 1], 9);
            Assert.Equal(surface.ValueAt(new[] { 2.0, -1.0 }), grid[1, 2], 9);
        }

        [Fact]
        public void AOneVariableCurveSpansThePlotRegion()
        {
            var surface = new FlatSharp(2);
            var (xs, losses) = surface.Curve(5);
            Assert.Equal(new[] { -3.0, -1.5, 0, 1.5, 3 }, xs);
            for (int i = 0; i < xs.Length; i++) Assert.Equal(surface.ValueAt(new[] { xs[i] }), losses[i], 12);
        }

        [Fact]
        public void EvaluateKeepsTheShapeOfThePointsWithoutTheirLastDimension()
        {
            using var scope = torch.NewDisposeScope();
            var points = torch.zeros(new long[] { 4, 3, 2 }, dtype: torch.ScalarType.Float64);
            Assert.Equal(new long[] { 4, 3 }, new Ackley().Evaluate(points).shape);
        }
    }
}
