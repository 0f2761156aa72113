using System;
using System.Collections.Generic;
using System.Linq;
using OptimDsl.Examples.Landscapes.Functions;

namespace OptimDsl.Examples.Landscapes.Experiments
{
    /// <summary>Which well a run of <see cref="FlatSharp"/> ends in: left of the barrier (flat) or right of it (sharp).</summary>
    internal enum Basin
    {
        /// <summary>Left of the barrier: the flat well.</summary>
        Flat,

        /// <summary>Right of the barrier (or on it): the sharp well.</summary>
        Sharp,

        /// <summary>The final position is not a finite number: the run diverged.</summary>
        Diverged,
    }

    /// <summary>
    /// The outcome of every (optimizer, sharpness, initial point) run of the flat–sharp experiment, indexed as in the
    /// figure: optimizer panels, sharpness columns, initial-point rows.
    /// </summary>
    internal sealed class EscapeGrid
    {
        private readonly Trajectory[,,] runs;

        /// <summary>Arranges <paramref name="runs"/>, made in the order optimizer × surface × initial point.</summary>
        public EscapeGrid(IReadOnlyList<string> optimizers, IReadOnlyList<FlatSharp> surfaces, IReadOnlyList<double> initialPoints, IReadOnlyList<Trajectory> runs)
        {
            if (runs.Count != optimizers.Count * surfaces.Count * initialPoints.Count)
            {
                throw new ArgumentException("One run per (optimizer, sharpness, initial point) is needed.", nameof(runs));
            }

            Optimizers = optimizers;
            Surfaces = surfaces;
            InitialPoints = initialPoints;
            Barriers = surfaces.Select(s => s.Barrier).ToArray();
            this.runs = new Trajectory[optimizers.Count, surfaces.Count, initialPoints.Count];
            int n = 0;
            for (int o = 0; o < optimizers.Count; o++)
            {
                for (int s = 0; s < surfaces.Count; s++)
                {
                    for (int i = 0; i < initialPoints.Count; i++) this.runs[o, s, i] = runs[n++];
                }
            }
        }

        public IReadOnlyList<string> Optimizers { get; }

        public IReadOnlyList<FlatSharp> Surfaces { get; }

        public IReadOnlyList<double> InitialPoints { get; }

        /// <summary>The barrier between the wells of each surface (see <see cref="FlatSharp.Barrier"/>).</summary>
        public IReadOnlyList<double> Barriers { get; }

        /// <summary>The run of optimizer <paramref name="o"/> on surface <paramref name="s"/> from initial point <paramref name="i"/>.</summary>
        public Trajectory Run(int o, int s, int i) => runs[o, s, i];

        /// <summary>Where that run ended.</summary>
        public Basin Outcome(int o, int s, int i) => Classify(runs[o, s, i].Final[0], Barriers[s]);

        /// <summary>The well of a final position <paramref name="x"/>, given the barrier between the wells.</summary>
        public static Basin Classify(double x, double barrier) =>
            !double.IsFinite(x) ? Basin.Diverged : x < barrier ? Basin.Flat : Basin.Sharp;

        /// <summary>
        /// For optimizer <paramref name="o"/>: how many runs end in the flat well, out of all its runs, or with
        /// <paramref name="startedOnSharpSide"/> out of those that started on the sharp side of the barrier.
        /// </summary>
        public (int Flat, int Total) Count(int o, bool startedOnSharpSide)
        {
            int flat = 0, total = 0;
            for (int s = 0; s < Surfaces.Count; s++)
            {
                for (int i = 0; i < InitialPoints.Count; i++)
                {
                    if (startedOnSharpSide && Classify(InitialPoints[i], Barriers[s]) != Basin.Sharp) continue;
                    total++;
                    if (Outcome(o, s, i) == Basin.Flat) flat++;
                }
            }

            return (flat, total);
        }
    }
}
