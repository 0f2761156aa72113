using System.Collections.Generic;
using Spectre.Console.Rendering;

namespace OptimDsl.Examples.Landscapes.Experiments
{
    /// <summary>What an experiment made: its runs (for results.json), the PNG files it wrote, and tables to print.</summary>
    internal sealed record ExperimentReport(string Title, IReadOnlyList<Trajectory> Runs, IReadOnlyList<string> Figures, IReadOnlyList<IRenderable> Tables);
}
