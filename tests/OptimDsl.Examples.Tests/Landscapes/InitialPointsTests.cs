using System;
using System.Linq;
using OptimDsl.Examples.Landscapes.Experiments;
using Xunit;

namespace OptimDsl.Examples.Tests.Landscapes
{
    /// <summary>Ackley's seeded initial points: reproducible, inside the square, outside the excluded disc.</summary>
    public sealed class InitialPointsTests
    {
        [Fact]
        public void SeedZerosPointIsTheOneDocsLandscapesQuotes()
        {
            // docs/LANDSCAPES.md: "from seed 0's point (1.81, 2.54)".
            double[] point = InitialPoints.UniformOutsideDisc(0, AckleyExperiment.InitialHalfWidth, AckleyExperiment.InitialMinimumRadius);
            Assert.Equal(1.81, point[0], 2);
            Assert.Equal(2.54, point[1], 2);
        }

        [Fact]
        public void EveryPointIsInTheSquareAndOutsideTheDisc()
        {
            var points = InitialPoints.Seeds(200, halfWidth: 4, minimumRadius: 2);
            Assert.Equal(200, points.Count);
            Assert.All(points, p =>
            {
                Assert.InRange(p[0], -4, 4);
                Assert.InRange(p[1], -4, 4);
                Assert.True(p[0] * p[0] + p[1] * p[1] >= 4, $"({p[0]}, {p[1]}) is inside the disc");
            });
            Assert.Equal(200, points.Select(p => (p[0], p[1])).Distinct().Count());
        }

        [Fact]
        public void TheSameSeedGivesTheSamePoint()
        {
            Assert.Equal(InitialPoints.UniformOutsideDisc(7, 4, 2), InitialPoints.UniformOutsideDisc(7, 4, 2));
            Assert.Equal(InitialPoints.UniformOutsideDisc(3, 4, 2), InitialPoints.Seeds(5, 4, 2)[3]);
        }

        [Fact]
        public void ADiscThatDoesNotFitInsideTheSquareIsRejected()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => InitialPoints.UniformOutsideDisc(0, halfWidth: 2, minimumRadius: 2));
        }
    }
}
