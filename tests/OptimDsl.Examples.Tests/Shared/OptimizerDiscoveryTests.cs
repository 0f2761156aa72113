extern alias CompareExample;

using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using OptimDsl.Examples.Shared;
using OptimDsl.Examples.Shared.Declared;
using OptimDsl.Examples.Tests.Fixtures.Clash;
using OptimDsl.Tests.Support;
using Xunit;

namespace OptimDsl.Examples.Tests.Shared
{
    /// <summary>
    /// <see cref="OptimizerRegistry.DeclaredIn"/> and <see cref="OptimizerRegistry.CatalogAndDeclaredIn"/>: every
    /// optimizer declared in examples/Shared/Declared reaches both examples with nothing to edit, only public concrete
    /// optimizers are taken, and a name that clashes (without regard to case) is rejected.
    /// </summary>
    public sealed class OptimizerDiscoveryTests
    {
        private static readonly Assembly Landscapes = typeof(AdamCMAggregateSecondMoment).Assembly;
        private static readonly Assembly Compare = typeof(CompareExample::OptimDsl.Examples.Compare.CsvWriter).Assembly;
        private static readonly Assembly Tests = typeof(OptimizerDiscoveryTests).Assembly;

        /// <summary>The class names of the [Optimizer] declarations in examples/Shared/Declared/*.cs, read from the source.</summary>
        private static string[] ClassesInDeclaredFolder()
        {
            string folder = Path.Combine(RepositoryPaths.Root, "examples", "Shared", "Declared");
            var declaration = new Regex(@"\[Optimizer\b[\s\S]*?partial\s+class\s+(\w+)");
            return Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
                .SelectMany(file => declaration.Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value))
                .OrderBy(n => n, StringComparer.Ordinal)
                .ToArray();
        }

        [Fact]
        public void EveryOptimizerOfTheDeclaredFolderIsFoundInBothExamples()
        {
            string[] expected = ClassesInDeclaredFolder();
            Assert.Contains(nameof(AdamCMAggregateSecondMoment), expected);
            Assert.Contains(nameof(AdamCMMean), expected);
            Assert.Equal(expected, OptimizerRegistry.DeclaredIn(Landscapes).Select(t => t.Name));
            Assert.Equal(expected, OptimizerRegistry.DeclaredIn(Compare).Select(t => t.Name));
        }

        [Fact]
        public void BothExamplesOfferTheSameNames()
        {
            Assert.Equal(
                OptimizerRegistry.CatalogAndDeclaredIn(Landscapes).Names,
                CompareExample::OptimDsl.Examples.Shared.OptimizerRegistry.CatalogAndDeclaredIn(Compare).Names);
        }

        [Fact]
        public void OnlyPublicConcreteOptimizersAreDeclared()
        {
            // This assembly also declares an internal and an abstract optimizer (Fixtures/TestAssemblyOptimizers.cs) and
            // holds many public classes that are not optimizers.
            Assert.Equal(new[] { typeof(ADAM) }, OptimizerRegistry.DeclaredIn(Tests));
        }

        [Fact]
        public void ANameThatDiffersFromTheCatalogOnlyInCaseIsRejectedNamingBothClasses()
        {
            var error = Assert.Throws<DuplicateOptimizerNameException>(() => OptimizerRegistry.CatalogAndDeclaredIn(Tests));
            Assert.Contains("Two optimizers are named 'ADAM'", error.Message);
            Assert.Contains("without regard to case", error.Message);
            Assert.Contains("OptimDsl.Optimizers.Adam (catalog)", error.Message);
            Assert.Contains($"{typeof(ADAM).FullName} ({OptimizerRegistry.DeclaredOrigin})", error.Message);
        }
    }
}
