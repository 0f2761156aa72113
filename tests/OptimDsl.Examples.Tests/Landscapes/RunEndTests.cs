using System;
using OptimDsl.Examples.Landscapes;
using OptimDsl.Examples.Landscapes.Experiments;
using OptimDsl.Examples.Landscapes.Functions;
using OptimDsl.Examples.Tests.Support;
using Xunit;

namespace OptimDsl.Examples.Tests.Landscapes
{
    /// <summary>
    /// What the Goldstein–Price and Ackley tables say about a run, on runs written by hand: which minimum it ends at, whether
    /// it ends in Ackley's global well, how far it moved, and its lowest loss.
    /// </summary>
    public sealed class RunEndTests
    {
        [Fact]
        public void AnEndWithinTheToleranceOfAMinimumIsAtIt()
        {
            NamedMinimum? end = NamedMinimum.Nearest(new[] { 0.05, -1.05 }, GoldsteinPriceExperiment.Minima, GoldsteinPriceExperiment.Tolerance);
            Assert.NotNull(end);
            Assert.True(end!.IsGlobal);
            Assert.Equal(3, end.Loss);
            Assert.Equal("global f=3", end.Label);
        }

        [Fact]
        public void AnEndFartherThanTheToleranceFromEveryMinimumIsAtNone()
        {
            Assert.Null(NamedMinimum.Nearest(new[] { 0.0, -0.85 }, GoldsteinPriceExperiment.Minima, GoldsteinPriceExperiment.Tolerance));
            Assert.Null(NamedMinimum.Nearest(new[] { double.NaN, double.NaN }, GoldsteinPriceExperiment.Minima, GoldsteinPriceExperiment.Tolerance));
        }

        [Fact]
        public void TheNearestOfTwoMinimaWithinTheToleranceWins()
        {
            var a = new NamedMinimum(new[] { 0.0, 0.0 }, 1, IsGlobal: false);
            var b = new NamedMinimum(new[] { 1.0, 0.0 }, 2, IsGlobal: true);
            Assert.Same(b, NamedMinimum.Nearest(new[] { 0.6, 0.0 }, new[] { a, b }, tolerance: 1));
            Assert.Same(a, NamedMinimum.Nearest(new[] { 0.4, 0.0 }, new[] { a, b }, tolerance: 1));
            Assert.Equal("local f=1", a.Label);
        }

        [Fact]
        public void GlobalCountCountsRunsEndingAtTheGlobalMinimumOnly()
        {
            var surface = new GoldsteinPrice();
            var runs = new[]
            {
                SyntheticRuns.Through(surface, "Adam", 0.05, new[] { 1.5, -1.5 }, new[] { 0.0, -1.0 }),
                SyntheticRuns.Through(surface, "Adam", 0.05, new[] { -1.5, -1.5 }, new[] { -0.6, -0.4 }),
                SyntheticRuns.Through(surface, "Adam", 0.05, new[] { 1.5, 1.5 }, new[] { 0.02, -0.95 }),
                SyntheticRuns.Through(surface, "Adam", 0.05, new[] { -1.5, 1.5 }, new[] { -0.5, 1.0 }),
            };
            Assert.Equal(2, GoldsteinPriceExperiment.GlobalCount(runs));
        }

        [Theory]
        [InlineData(0.3, 0.39, true)]
        [InlineData(0.3, 0.4, false)] // exactly 0.5 from the origin: not closer than 0.5
        [InlineData(-0.95, 0.0, false)]
        public void AnAckleyRunEndsInTheGlobalWellWhenCloserThanHalfAUnit(double x, double y, bool expected)
        {
            Trajectory run = SyntheticRuns.Through(new Ackley(), "Adam", 0.05, new[] { 3.0, 3.0 }, new[] { x, y });
            Assert.Equal(expected, AckleyExperiment.EndsInGlobalWell(run));
        }

        [Fact]
        public void PathLengthAddsTheStepsAndDisplacementIsTheStraightDistance()
        {
            // (0,0) → (3,4) → (3,0) → (0,0): steps 5, 4, 3.
            Trajectory run = SyntheticRuns.Through(new Ackley(), "Adam", 0.05,
                new[] { 0.0, 0.0 }, new[] { 3.0, 4.0 }, new[] { 3.0, 0.0 }, new[] { 0.0, 0.0 });
            Assert.Equal(5, AckleyExperiment.PathLength(run, 1), 12);
            Assert.Equal(9, AckleyExperiment.PathLength(run, 2), 12);
            Assert.Equal(12, AckleyExperiment.PathLength(run, 3), 12);
            Assert.Equal(12, AckleyExperiment.PathLength(run, 10), 12); // capped at the run's steps
            Assert.Equal(5, AckleyExperiment.Displacement(run, 1), 12);
            Assert.Equal(3, AckleyExperiment.Displacement(run, 2), 12);
            Assert.Equal(0, AckleyExperiment.Displacement(run, 10), 12);
        }

        [Fact]
        public void TheBestLossIsTheFirstVisitOfTheLowest()
        {
            Trajectory run = SyntheticRuns.WithLosses(new FlatSharp(1), new[] { 5.0, 2, 3, 2, 4 },
                new[] { 0.0 }, new[] { 0.1 }, new[] { 0.2 }, new[] { 0.3 }, new[] { 0.4 });
            Assert.Equal((2.0, 1), run.Best);
            Assert.Equal(4, run.Steps);
            Assert.Equal(4, run.FinalLoss);
            Assert.Equal(new[] { 0.4 }, run.Final);
        }

        [Fact]
        public void PointsAndNumbersAreWrittenInTheInvariantCulture()
        {
            using var culture = new DecimalCommaCulture();
            Assert.Equal("(1.5, -1.5)", Format.Point(new[] { 1.5, -1.5 }));
            Assert.Equal("0.25", Format.Point(new[] { 0.25 }));
            Assert.Equal("1.235E+04", Format.Number(12345.6));
            Assert.Equal(Math.PI.ToString("G4", System.Globalization.CultureInfo.InvariantCulture), Format.Number(Math.PI));
        }
    }
}
