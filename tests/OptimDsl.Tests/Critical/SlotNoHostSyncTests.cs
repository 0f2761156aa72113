using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace OptimDsl.Tests.Critical
{
    /// <summary>
    /// The Slots buffer must never read a tensor on the host in the step path. Its code lives in its own file
    /// (src/Runtime/Critical/SlotCriticalBuffer.cs); this test fails if that file mentions any host-read API. The few host
    /// reads needed by Save/Load/ApproximatelyEquals/Entries (the inspection) go through CriticalTensorIO.
    /// </summary>
    public class SlotNoHostSyncTests
    {
        private static readonly string[] Forbidden =
        {
            "item<", "ToDouble", "ToSingle", "ToHalf", "ToBoolean", "data<", "ToArray", "ToInt", "ToScalar", ".cpu(", "(bool)", "(double)", "(float)", "(long)", "(int)",
            ".bytes", "ReadCpu", "Synchronize",
        };

        [Fact]
        public void SlotBufferSource_ContainsNoHostReads()
        {
            var path = Path.Combine(CriticalTestUtil.RepoRoot(), "src", "Runtime", "Critical", "SlotCriticalBuffer.cs");
            var lines = File.ReadAllLines(path);
            var hits = lines
                .Select((line, i) => (Line: line, Number: i + 1))
                .Where(l => !l.Line.TrimStart().StartsWith("//", StringComparison.Ordinal) && !l.Line.TrimStart().StartsWith("///", StringComparison.Ordinal))
                .SelectMany(l => Forbidden.Where(f => l.Line.Contains(f, StringComparison.Ordinal)).Select(f => $"line {l.Number}: '{f}' in: {l.Line.Trim()}"))
                .ToList();
            Assert.True(hits.Count == 0, "Host reads in SlotCriticalBuffer.cs:" + Environment.NewLine + string.Join(Environment.NewLine, hits));
        }

        [Fact]
        public void SlotBufferSource_HostHelperUsedOnlyOutsideTheStepPath()
        {
            // CriticalTensorIO (which does read on the host) may only be called after the "host reads" marker, i.e. from
            // Entries/Save/Load/CopyFrom/MoveTo/ApproximatelyEquals — plus ShapeEquals (host metadata only).
            var path = Path.Combine(CriticalTestUtil.RepoRoot(), "src", "Runtime", "Critical", "SlotCriticalBuffer.cs");
            var text = File.ReadAllText(path);
            int marker = text.IndexOf("// ---------------- host reads", StringComparison.Ordinal);
            Assert.True(marker > 0, "marker comment missing");
            var stepPath = text.Substring(0, marker);
            var calls = Regex.Matches(stepPath, @"CriticalTensorIO\.(\w+)").Select(m => m.Groups[1].Value).Distinct().ToList();
            Assert.All(calls, name => Assert.Equal("ShapeEquals", name));
        }
    }
}
