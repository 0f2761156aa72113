using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using OptimDsl.Tests.Support;
using Xunit;

namespace OptimDsl.Tests.CriticalCatalog
{
    /// <summary>
    /// Variants declared with the slot buffer take no host read in their step: the generated step asks for device
    /// priorities (host values only where every gradient is on the CPU, where reading costs no synchronisation) and
    /// contains no item/ToSingle/ToDouble/data/ToArray on tensors. Checked on the generated source the build emitted.
    /// </summary>
    public sealed class NoHostSyncTests
    {
        private static readonly Regex HostRead = new(@"\.(item<|ToSingle\(|ToDouble\(|ToInt32\(|ToInt64\(|ToBoolean\(|data<|cpu\(\))", RegexOptions.Compiled);

        [Theory]
        [InlineData("Adam_C_eff")]
        [InlineData("SGD_C_eff")]
        [InlineData("RMSprop_C_eff")]
        [InlineData("Adam_CM")]
        [InlineData("CM_Adam_C")]
        [InlineData("CriticalAdam")]
        [InlineData("CriticalSGD")]
        [InlineData("CriticalMomentaAdam")]
        public void GeneratedStepOfASlotBufferVariantReadsNothingFromTheDevice(string optimizer)
        {
            string source = GeneratedSource(optimizer);
            string step = source[source.IndexOf("private void StepGroup", System.StringComparison.Ordinal)..source.IndexOf("protected override void Dispose", System.StringComparison.Ordinal)];
            Assert.Contains("CriticalPriority.ForGroup(__grads, synced, onHost: false", step);
            Assert.DoesNotMatch(HostRead, step);
        }

        [Fact]
        public void HeapVariantsReadPrioritiesOncePerGroup()
        {
            string source = GeneratedSource("Adam_C");
            string step = source[source.IndexOf("private void StepGroup", System.StringComparison.Ordinal)..];
            Assert.Single(Regex.Matches(step, @"CriticalPriority\.ForGroup\(__grads, synced, onHost: true"));
            int loop = step.IndexOf("foreach (int __index in __tensorPath)", System.StringComparison.Ordinal);
            Assert.True(step.IndexOf("CriticalPriority.ForGroup(", System.StringComparison.Ordinal) < loop, "the host read must happen before the tensor path's per-parameter loop");
        }

        private static string GeneratedSource(string optimizer)
        {
            string generated = Path.Combine(RepositoryPaths.Root, "src", "Runtime", "obj");
            string? file = Directory.EnumerateFiles(generated, "OptimDsl.Optimizers." + optimizer + ".g.cs", SearchOption.AllDirectories)
                .OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
            Assert.True(file is not null, "generated source of " + optimizer + " not found under " + generated + " (the Runtime emits it at build: EmitCompilerGeneratedFiles)");
            return File.ReadAllText(file!);
        }
    }
}
