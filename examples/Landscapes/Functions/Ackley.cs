using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace OptimDsl.Examples.Landscapes.Functions
{
    /// <summary>
    /// The Ackley function: <c>f(x, y) = −20·exp(−0.2·√(0.5(x² + y²))) − exp(0.5(cos 2πx + cos 2πy)) + e + 20</c>, a bowl
    /// covered with a lattice of local minima near the integer points; global minimum f(0, 0) = 0. Its gradient is
    /// undefined at exactly (0, 0) (the square root), a point no run lands on in float64.
    /// </summary>
    internal sealed class Ackley : ILossSurface
    {
        public string Name => "ackley";

        public string Title => "Ackley";

        public int Dimensions => 2;

        public (double XMin, double XMax, double YMin, double YMax) PlotRegion => (-4, 4, -4, 4);

        public IReadOnlyList<double[]> GlobalMinima { get; } = new[] { new[] { 0.0, 0.0 } };

        public Tensor Evaluate(Tensor points)
        {
            var math = new TensorArithmetic();
            Tensor x = points.select(-1, 0);
            Tensor y = points.select(-1, 1);
            Tensor radius = math.Linear(0, (0.5, math.Square(x)), (0.5, math.Square(y))).sqrt();
            Tensor waves = math.Linear(0, (0.5, math.Scale(x, 2 * Math.PI).cos()), (0.5, math.Scale(y, 2 * Math.PI).cos()));
            return math.Linear(Math.E + 20, (-20, math.Scale(radius, -0.2).exp()), (-1, waves.exp()));
        }
    }
}
