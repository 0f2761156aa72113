using System.Collections.Generic;
using OptimDsl.Examples.Shared;
using OptimDsl.Examples.Shared.Declared;

namespace OptimDsl.Examples.Landscapes.Experiments
{
    /// <summary>
    /// What every run of one experiment shares: the optimizers (registry names, exactly as the registry spells them), the learning rate, the number of steps,
    /// and the critical-buffer size and decay, which reach only the optimizers that have <c>topC</c> / <c>decay</c>
    /// arguments.
    /// </summary>
    internal sealed record ExperimentSettings(IReadOnlyList<string> Optimizers, double LearningRate, int Steps, int TopC, double Decay)
    {
        /// <summary>The optimizers every figure compares unless <c>--optimizer</c> says otherwise.</summary>
        public static IReadOnlyList<string> DefaultOptimizers { get; } = new[]
        {
            "Adam", "Adam_C_eff", "Adam_CM", "CriticalMomentaAdam", nameof(AdamCMAggregateSecondMoment),
        };

        /// <summary>Critical-buffer size of every figure: CMOptimizer's default for Adam+CM, used for Adam+CG too.</summary>
        public const int DefaultTopC = 5;

        /// <summary>Priority decay of every figure: CMOptimizer's default for Adam+CM, used for Adam+CG too.</summary>
        public const double DefaultDecay = 0.7;

        /// <summary>The settings handed to each optimizer's factory.</summary>
        public OptimizerSettings OptimizerSettings =>
            new OptimizerSettings(LearningRate).With("topC", TopC).With("decay", Decay);
    }
}
