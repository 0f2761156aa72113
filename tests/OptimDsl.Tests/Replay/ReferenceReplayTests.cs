using System.IO;
using System.Linq;
using System.Text;
using OptimDsl.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace OptimDsl.Tests.Replay
{
    /// <summary>
    /// Replays every recorded reference run (tests/refvectors, or the folder in OPTIMDSL_REFVECTORS) against the
    /// catalog in float64: every parameter after every step within 1e-9 relative (absolute floor 1e-12).
    /// </summary>
    public sealed class ReferenceReplayTests
    {
        private readonly ITestOutputHelper _output;

        public ReferenceReplayTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void EveryRecordedReferenceRunIsReproduced()
        {
            string dir = RepositoryPaths.RefVectors;
            Assert.True(Directory.Exists(dir), "Reference vectors not found at " + dir + " (set OPTIMDSL_REFVECTORS).");
            string[] files = Directory.GetFiles(dir, "*.json").Where(f => Path.GetFileName(f) != "index.json").OrderBy(f => f).ToArray();
            Assert.NotEmpty(files);

            var outcomes = files.Select(f => ReferenceReplay.Run(RefVectorCase.Read(f))).ToList();
            int passed = outcomes.Count(o => o.Passed), skipped = outcomes.Count(o => o.Skipped);
            int failed = outcomes.Count - passed - skipped;

            var report = new StringBuilder();
            report.AppendLine($"refvectors: dir={dir} cases={outcomes.Count} passed={passed} skipped={skipped} failed={failed}");
            foreach (ReplayOutcome o in outcomes.Where(o => o.Skipped))
            {
                report.AppendLine($"refvectors: skipped {o.Name} ({o.Detail})");
            }

            foreach (ReplayOutcome o in outcomes.Where(o => !o.Passed && !o.Skipped))
            {
                report.AppendLine($"refvectors: failed {o.Name} step={o.FailedStep} maxrel={o.MaxRel:E3} ({o.Detail})");
            }

            _output.WriteLine(report.ToString().TrimEnd());
            Assert.True(failed == 0, report.ToString());
        }
    }
}
