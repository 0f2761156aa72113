using System;
using System.Linq;
using OptimDsl.Examples.Landscapes;
using OptimDsl.Examples.Landscapes.Experiments;
using OptimDsl.Examples.Landscapes.Functions;
using OptimDsl.Examples.Tests.Support;
using Xunit;

namespace OptimDsl.Examples.Tests.Landscapes
{
    /// <summary>
    /// <see cref="EscapeGrid"/> (Figure 5): which well a flat–sharp run ends in, how the runs are arranged, and the counts
    /// of the table, on runs written by hand.
    /// </summary>
    public sealed class EscapeGridTests
    {
        [Theory]
        [InlineData(-1.0, 0.567, "Flat")]
        [InlineData(0.566, 0.567, "Flat")]
        [InlineData(0.567, 0.567, "Sharp")]
        [InlineData(2.0, 0.567, "Sharp")]
        [InlineData(double.NaN, 0.567, "Diverged")]
        [InlineData(double.PositiveInfinity, 0.0, "Diverged")]
        [InlineData(double.NegativeInfinity, 0.0, "Diverged")]
        public void AnEndIsFlatLeftOfTheBarrierSharpOnOrRightOfItDivergedIfNotFinite(double x, double barrier, string expected)
        {
            // Basin is internal, so the cases name it (xunit theories must be public).
            Assert.Equal(Enum.Parse<Basin>(expected), EscapeGrid.Classify(x, barrier));
        }

        /// <summary>
        /// Two optimizers × sharpness 1 and 4 (barriers 0 and 0.567) × starts −0.5, 0.5, 1.5. The start 0.5 is right of
        /// the barrier for s = 1 and left of it for s = 4, so 3 of the 6 (sharpness, start) pairs start on the sharp side.
        /// </summary>
        private static EscapeGrid Grid()
        {
            string[] optimizers = { "Adam", "AdamCMMean" };
            FlatSharp[] surfaces = { new(1), new(4) };
            double[] starts = { -0.5, 0.5, 1.5 };
            double[][] ends =
            {
                // Adam: stays in the well it starts in (s = 1: flat, sharp, sharp; s = 4: flat, flat, sharp).
                new[] { -1.0, 1.0, 1.0 }, new[] { -1.0, -1.0, 1.0 },
                // AdamCMMean: escapes from 1.5 at s = 1, diverges from 0.5 at s = 4.
                new[] { -1.0, 1.0, -1.0 }, new[] { -1.0, double.NaN, 1.0 },
            };
            var runs = (
                from o in Enumerable.Range(0, 2)
                from s in Enumerable.Range(0, 2)
                from i in Enumerable.Range(0, 3)
                select SyntheticRuns.FromTo(surfaces[s], optimizers[o], starts[i], ends[o * 2 + s][i])).ToArray();
            return new EscapeGrid(optimizers, surfaces, starts, runs);
        }

        [Fact]
        public void RunsAreArrangedOptimizerSharpnessStart()
        {
            EscapeGrid grid = Grid();
            Trajectory run = grid.Run(1, 0, 2);
            Assert.Equal("AdamCMMean", run.Optimizer);
            Assert.Equal("flat-sharp(sharpness=1)", run.Surface.Name);
            Assert.Equal(1.5, run.Initial[0]);
            Assert.Equal(Basin.Flat, grid.Outcome(1, 0, 2));
            Assert.Equal(Basin.Diverged, grid.Outcome(1, 1, 1));
            Assert.Equal(Basin.Flat, grid.Outcome(0, 1, 1));
        }

        [Fact]
        public void TheBarriersAreTheSurfaces()
        {
            EscapeGrid grid = Grid();
            Assert.Equal(0, grid.Barriers[0], 3);
            Assert.Equal(0.567, grid.Barriers[1], 3);
        }

        [Fact]
        public void CountsOfFlatEndsOverAllStartsAndOverSharpSideStarts()
        {
            EscapeGrid grid = Grid();
            Assert.Equal((3, 6), grid.Count(0, startedOnSharpSide: false));
            Assert.Equal((0, 3), grid.Count(0, startedOnSharpSide: true));
            // AdamCMMean: flat ends at s = 1 from −0.5 and 1.5, at s = 4 from −0.5; the diverged run is not flat.
            Assert.Equal((3, 6), grid.Count(1, startedOnSharpSide: false));
            Assert.Equal((1, 3), grid.Count(1, startedOnSharpSide: true));
        }

        [Fact]
        public void OneRunPerOptimizerSharpnessAndStartIsNeeded()
        {
            EscapeGrid grid = Grid();
            var tooFew = Enumerable.Range(0, 11).Select(i => grid.Run(0, 0, 0)).ToArray();
            Assert.Throws<ArgumentException>(() => new EscapeGrid(grid.Optimizers, grid.Surfaces, grid.InitialPoints, tooFew));
        }
    }
}
