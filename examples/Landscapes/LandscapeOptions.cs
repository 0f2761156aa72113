using System.Collections.Generic;

namespace OptimDsl.Examples.Landscapes
{
    /// <summary>
    /// The command line, parsed: which functions to run and the overrides of each figure's defaults (null or empty =
    /// keep the figure's own setting).
    /// </summary>
    internal sealed record LandscapeOptions(
        IReadOnlyList<string> Functions,
        IReadOnlyList<string> Optimizers,
        double? LearningRate,
        int? Steps,
        IReadOnlyList<double[]> InitialPoints,
        int? Seeds,
        IReadOnlyList<double> Sharpness,
        int? TopC,
        double? Decay,
        string OutputDirectory)
    {
        /// <summary>The function names, in the order they run when none is chosen.</summary>
        public static IReadOnlyList<string> AllFunctions { get; } = new[] { "goldstein-price", "ackley", "flat-sharp" };
    }
}
