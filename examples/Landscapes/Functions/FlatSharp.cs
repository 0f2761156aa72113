using System;
using System.Collections.Generic;
using System.Globalization;
using static TorchSharp.torch;

namespace OptimDsl.Examples.Landscapes.Functions
{
    /// <summary>
    /// A one-variable function with a flat and a sharp minimum of the same depth, whose sharpness is a parameter s ≥ 1:
    /// <c>f(x) = 1 − exp(−(x − F)²/(2w²)) − exp(−s²(x − S)²/(2w²)) + c·x²</c> with the flat minimum at F, the sharp one
    /// at S, the flat well's width w, and a weak confining term c·x² that brings back a run that leaves both wells. The
    /// sharp well is s times narrower (its curvature s² times larger); with s = 1 the two wells are mirror images.
    /// </summary>
    internal sealed class FlatSharp : ILossSurface
    {
        /// <summary>Centre of the flat minimum (F).</summary>
        public const double FlatCentre = -1.0;

        /// <summary>Centre of the sharp minimum (S).</summary>
        public const double SharpCentre = 1.0;

        /// <summary>Width of the flat well (w); the sharp well's is w / s.</summary>
        public const double Width = 0.5;

        /// <summary>Coefficient of the confining term (c).</summary>
        public const double Confinement = 0.02;

        public FlatSharp(double sharpness)
        {
            if (!(sharpness >= 1) || double.IsInfinity(sharpness))
            {
                throw new ArgumentOutOfRangeException(nameof(sharpness), sharpness, "The sharpness must be a finite number ≥ 1.");
            }

            Sharpness = sharpness;
        }

        /// <summary>The sharpness s: the sharp well is s times narrower than the flat one.</summary>
        public double Sharpness { get; }

        /// <summary>The base name, without the sharpness, used on the command line.</summary>
        public const string BaseName = "flat-sharp";

        public string Name => $"{BaseName}(sharpness={Sharpness.ToString("R", CultureInfo.InvariantCulture)})";

        public string Title => $"flat–sharp, s = {Sharpness.ToString("G4", CultureInfo.InvariantCulture)}";

        public int Dimensions => 1;

        public (double XMin, double XMax, double YMin, double YMax) PlotRegion => (-3, 3, 0, 0);

        public IReadOnlyList<double[]> GlobalMinima { get; } = new[] { new[] { FlatCentre } };

        /// <summary>
        /// The barrier between the two wells: the x of the largest loss between <see cref="FlatCentre"/> and
        /// <see cref="SharpCentre"/>. A run that ends left of it ends in the flat well, right of it in the sharp well.
        /// </summary>
        public double Barrier
        {
            get
            {
                using var scope = TorchSharp.torch.NewDisposeScope();
                using var noGrad = TorchSharp.torch.no_grad();
                Tensor xs = TorchSharp.torch.linspace(FlatCentre, SharpCentre, 20001, dtype: ScalarType.Float64);
                long highest = Evaluate(xs.unsqueeze(-1)).argmax().item<long>();
                return xs[highest].item<double>();
            }
        }

        public Tensor Evaluate(Tensor points)
        {
            var math = new TensorArithmetic();
            Tensor x = points.select(-1, 0);
            Tensor flat = math.Scale(math.Square(math.Shift(x, -FlatCentre)), -1 / (2 * Width * Width)).exp();
            Tensor sharp = math.Scale(math.Square(math.Shift(x, -SharpCentre)), -(Sharpness * Sharpness) / (2 * Width * Width)).exp();
            return math.Linear(1, (-1, flat), (-1, sharp), (Confinement, math.Square(x)));
        }
    }
}
