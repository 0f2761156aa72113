using System.Collections.Generic;
using OptimDsl.Examples.Landscapes.Functions;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;

namespace OptimDsl.Examples.Tests.Landscapes
{
    /// <summary>
    /// The gradient the optimizers receive (autograd through the surface's torch formula) against central finite
    /// differences of the surface's values, in float64, at points away from Ackley's kink at the origin; and zero at
    /// Goldstein–Price's global minimum.
    /// </summary>
    public sealed class SurfaceGradientTests
    {
        public static IEnumerable<object[]> Points() => new[]
        {
            new object[] { "goldstein-price", new[] { 0.3, -0.7 } },
            new object[] { "goldstein-price", new[] { -1.5, 1.5 } },
            new object[] { "ackley", new[] { 1.81, 2.54 } },
            new object[] { "ackley", new[] { -0.3, 0.45 } },
            new object[] { "flat-sharp(s=1)", new[] { 0.2 } },
            new object[] { "flat-sharp(s=16)", new[] { 1.03 } },
            new object[] { "flat-sharp(s=16)", new[] { -2.5 } },
        };

        private static ILossSurface Surface(string name) => name switch
        {
            "goldstein-price" => new GoldsteinPrice(),
            "ackley" => new Ackley(),
            "flat-sharp(s=1)" => new FlatSharp(1),
            _ => new FlatSharp(16),
        };

        private static double[] Autograd(ILossSurface surface, double[] point)
        {
            using var scope = torch.NewDisposeScope();
            using var parameter = new Parameter(torch.tensor(point, dtype: torch.ScalarType.Float64));
            surface.Evaluate(parameter).backward();
            return parameter.grad!.data<double>().ToArray();
        }

        [Theory]
        [MemberData(nameof(Points))]
        public void AutogradMatchesCentralDifferences(string surfaceName, double[] point)
        {
            ILossSurface surface = Surface(surfaceName);
            double[] gradient = Autograd(surface, point);
            Assert.Equal(point.Length, gradient.Length);
            const double h = 1e-6;
            for (int i = 0; i < point.Length; i++)
            {
                double[] plus = (double[])point.Clone(), minus = (double[])point.Clone();
                plus[i] += h;
                minus[i] -= h;
                double difference = (surface.ValueAt(plus) - surface.ValueAt(minus)) / (2 * h);
                Assert.True(
                    System.Math.Abs(gradient[i] - difference) <= 1e-5 * System.Math.Max(1, System.Math.Abs(difference)),
                    $"{surfaceName} at ({string.Join(", ", point)}), coordinate {i}: autograd {gradient[i]}, finite difference {difference}");
            }
        }

        [Fact]
        public void TheGradientVanishesAtGoldsteinPricesGlobalMinimum()
        {
            double[] gradient = Autograd(new GoldsteinPrice(), new[] { 0.0, -1.0 });
            Assert.Equal(0, gradient[0], 9);
            Assert.Equal(0, gradient[1], 9);
        }
    }
}
