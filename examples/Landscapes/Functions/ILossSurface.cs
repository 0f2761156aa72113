using System.Collections.Generic;
using static TorchSharp.torch;

namespace OptimDsl.Examples.Landscapes.Functions
{
    /// <summary>
    /// A toy loss function of one or two variables, written with torch operations so that autograd gives its gradient
    /// and so that one formula serves both the optimizer (a float64 point of shape [<see cref="Dimensions"/>]) and the
    /// plots (a grid of points of shape [rows, columns, <see cref="Dimensions"/>]).
    /// </summary>
    internal interface ILossSurface
    {
        /// <summary>The name written to results.json and used on the command line, e.g. <c>ackley</c>.</summary>
        string Name { get; }

        /// <summary>A title for plots, e.g. <c>Ackley</c>.</summary>
        string Title { get; }

        /// <summary>Number of variables: 2, or 1 for a one-dimensional function.</summary>
        int Dimensions { get; }

        /// <summary>The plotted region: x from <c>XMin</c> to <c>XMax</c> (and y likewise for two variables).</summary>
        (double XMin, double XMax, double YMin, double YMax) PlotRegion { get; }

        /// <summary>The global minimizers (one point of <see cref="Dimensions"/> coordinates each), for the plots.</summary>
        IReadOnlyList<double[]> GlobalMinima { get; }

        /// <summary>
        /// The loss at every point of <paramref name="points"/>, whose last dimension holds the coordinates; the result
        /// has the shape of <paramref name="points"/> without its last dimension (a scalar for one point).
        /// </summary>
        Tensor Evaluate(Tensor points);
    }
}
