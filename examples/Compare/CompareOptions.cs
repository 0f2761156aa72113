using System.Collections.Generic;

namespace OptimDsl.Examples.Compare
{
    /// <summary>The command line, parsed (null = the data set's default).</summary>
    internal sealed record CompareOptions(
        IReadOnlyList<string> Optimizers,
        string? DataDirectory,
        int Seeds,
        int? Epochs,
        double? LearningRate,
        int? BatchSize,
        int? TopC,
        double? Decay,
        int Threads,
        string OutputDirectory)
    {
        /// <summary>The optimizers compared unless <c>--optimizer</c> says otherwise.</summary>
        public static IReadOnlyList<string> DefaultOptimizers { get; } = new[]
        {
            "Adam", "Adam_CM", "CriticalMomentaAdam", nameof(Shared.Declared.AdamCMAggregateSecondMoment),
        };
    }
}
