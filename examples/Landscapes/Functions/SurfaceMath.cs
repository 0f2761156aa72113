using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Examples.Landscapes.Functions
{
    /// <summary>Evaluation helpers shared by the surfaces and the plots.</summary>
    internal static class SurfaceMath
    {
        /// <summary>The loss at one point given as plain numbers (float64, no gradient), e.g. 3 for Goldstein–Price at (0, −1).</summary>
        public static double ValueAt(this ILossSurface surface, IReadOnlyList<double> point)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var coordinates = new double[surface.Dimensions];
            for (int i = 0; i < coordinates.Length; i++) coordinates[i] = point[i];
            return surface.Evaluate(torch.tensor(coordinates, dtype: ScalarType.Float64)).item<double>();
        }

        /// <summary>
        /// The loss of a two-variable surface on a regular grid of <paramref name="region"/>: <c>values[row, column]</c>
        /// with row 0 at <c>YMax</c> (the top of an image) and column 0 at <c>XMin</c>.
        /// </summary>
        public static double[,] Grid(this ILossSurface surface, int columns, int rows, (double XMin, double XMax, double YMin, double YMax) region)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var (xMin, xMax, yMin, yMax) = region;
            Tensor xs = torch.linspace(xMin, xMax, columns, dtype: ScalarType.Float64);
            Tensor ys = torch.linspace(yMax, yMin, rows, dtype: ScalarType.Float64);
            Tensor[] mesh = torch.meshgrid(new[] { ys, xs }, indexing: "ij");
            Tensor points = torch.stack(new[] { mesh[1], mesh[0] }, dim: -1);
            double[] flat = surface.Evaluate(points).contiguous().data<double>().ToArray();
            var values = new double[rows, columns];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++) values[r, c] = flat[r * columns + c];
            }

            return values;
        }

        /// <summary>The loss of a one-variable surface at <paramref name="count"/> evenly spaced points of its plot region.</summary>
        public static (double[] X, double[] Loss) Curve(this ILossSurface surface, int count)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var (xMin, xMax, _, _) = surface.PlotRegion;
            Tensor xs = torch.linspace(xMin, xMax, count, dtype: ScalarType.Float64);
            double[] loss = surface.Evaluate(xs.unsqueeze(-1)).contiguous().data<double>().ToArray();
            return (xs.data<double>().ToArray(), loss);
        }
    }
}
