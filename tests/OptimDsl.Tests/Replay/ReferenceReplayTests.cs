using System.IO;
using System.Linq;
using System.Text;
using OptimDsl.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace OptimDsl.Tests.Replay
{
    /// <summary>
    /// Replays every recorded reference run (tests/refvectors, or the folder in OPTIMDSL_REFVECTORS) against the catalog in
    /// float64, on both back ends (the fused CPU kernels and tensor operations): every parameter after every step within
    /// 1e-9 relative (absolute floor 1e-12). Prints one summary line per path, then the skipped and failed cases.
    /// </summary>
    public sealed class ReferenceReplayTests
    {
        private readonly ITestOutputHelper _output;

        public ReferenceReplayTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void EveryRecordedReferenceRunIsReproducedOnBothPaths()
        {
            string dir = RepositoryPaths.RefVectors;
            Assert.True(Directory.Exists(dir), "Reference vectors not found at " + dir + " (set OPTIMDSL_REFVECTORS).");
            string[] files = Directory.GetFiles(dir, "*.json").Where(f => Path.GetFileName(f) != "index.json").OrderBy(f => f).ToArray();
            Assert.NotEmpty(files);
            RefVectorCase[] cases = files.Select(RefVectorCase.Read).ToArray();

            var report = new StringBuilder();
            int failures = 0;
            foreach ((string path, bool fused) in new[] { ("fused", true), ("tensor", false) })
            {
                var outcomes = cases.Select(c => ReferenceReplay.Run(c, fused)).ToList();
                int passed = outcomes.Count(o => o.Passed), skipped = outcomes.Count(o => o.Skipped);
                int failed = outcomes.Count - passed - skipped;
                failures += failed;
                report.AppendLine($"refvectors: path={path} dir={dir} cases={outcomes.Count} passed={passed} skipped={skipped} failed={failed}");
                foreach (ReplayOutcome o in outcomes)
                {
                    report.AppendLine(o.Skipped ? $"refvectors: path={path} skipped {o.Name} ({o.Detail})"
                        : o.Passed ? $"refvectors: path={path} passed {o.Name} ({o.Detail})"
                        : $"refvectors: path={path} failed {o.Name} step={o.FailedStep} maxrel={o.MaxRel:E3} ({o.Detail})");
                }
            }

            _output.WriteLine(report.ToString().TrimEnd());
            Assert.True(failures == 0, report.ToString());
        }
    }
}
