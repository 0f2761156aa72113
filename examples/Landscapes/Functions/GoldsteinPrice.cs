using System.Collections.Generic;
using static TorchSharp.torch;

namespace OptimDsl.Examples.Landscapes.Functions
{
    /// <summary>
    /// The Goldstein–Price function on [-2, 2]²:
    /// <c>f(x, y) = [1 + (x + y + 1)²(19 − 14x + 3x² − 14y + 6xy + 3y²)] · [30 + (2x − 3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²)]</c>.
    /// Global minimum f(0, −1) = 3; local minima f(−0.6, −0.4) = 30, f(1.8, 0.2) = 84, f(1.2, 0.8) = 840. Its values span
    /// six orders of magnitude, so the plots show log10 f.
    /// </summary>
    internal sealed class GoldsteinPrice : ILossSurface
    {
        public string Name => "goldstein-price";

        public string Title => "Goldstein–Price";

        public int Dimensions => 2;

        public (double XMin, double XMax, double YMin, double YMax) PlotRegion => (-2, 2, -2, 2);

        public IReadOnlyList<double[]> GlobalMinima { get; } = new[] { new[] { 0.0, -1.0 } };

        public Tensor Evaluate(Tensor points)
        {
            var math = new TensorArithmetic();
            Tensor x = points.select(-1, 0);
            Tensor y = points.select(-1, 1);
            Tensor xx = math.Square(x), yy = math.Square(y), xy = math.Multiply(x, y);
            Tensor firstFactor = math.Linear(19, (-14, x), (3, xx), (-14, y), (6, xy), (3, yy));
            Tensor secondFactor = math.Linear(18, (-32, x), (12, xx), (48, y), (-36, xy), (27, yy));
            Tensor first = math.Shift(math.Multiply(math.Square(math.Linear(1, (1, x), (1, y))), firstFactor), 1);
            Tensor second = math.Shift(math.Multiply(math.Square(math.Linear(0, (2, x), (-3, y))), secondFactor), 30);
            return math.Multiply(first, second);
        }
    }
}
