using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using OptimDsl.CodeFixes;
using Xunit;

namespace OptimDsl.Generator.Tests
{
    /// <summary>The code fixes turn a diagnosed declaration into one the generator accepts.</summary>
    public sealed class CodeFixTests
    {
        [Fact]
        public async Task MakePartialFixesANonPartialOptimizerAndItsContainingType()
        {
            const string source = """
                using OptimDsl;
                namespace App
                {
                    public class Outer
                    {
                        [Optimizer]
                        [FirstMoment]
                        public sealed class Mine { }
                    }
                }
                """;
            string fixedSource = await ApplyAllFixes(source, new MakePartialCodeFix(), "ODSL0001", "ODSL0003");
            Assert.Contains("public partial class Outer", fixedSource);
            Assert.Contains("public sealed partial class Mine", fixedSource);
            Assert.DoesNotContain(Diagnose(fixedSource), d => d.Id.StartsWith("ODSL", System.StringComparison.Ordinal));
        }

        [Fact]
        public async Task RemoveAttributeResolvesConflictingBlocks()
        {
            const string source = """
                using OptimDsl;
                [Optimizer]
                [SecondMoment]
                [Accumulator]
                public sealed partial class Mine { }
                """;
            string fixedSource = await ApplyAllFixes(source, new RemoveAttributeCodeFix(), "ODSL0004");
            Assert.Single(new[] { "[SecondMoment]", "[Accumulator]" }, fixedSource.Contains);
            Assert.DoesNotContain(Diagnose(fixedSource), d => d.Id == "ODSL0004");
        }

        [Fact]
        public async Task RemoveAttributeDropsAnOptionWithoutEffect()
        {
            const string source = """
                using OptimDsl;
                [Optimizer, Epsilon(1e-8)]
                public sealed partial class Mine { }
                """;
            string fixedSource = await ApplyAllFixes(source, new RemoveAttributeCodeFix(), "ODSL0008");
            Assert.Contains("[Optimizer]", fixedSource);
            Assert.DoesNotContain("Epsilon", fixedSource);
            Assert.DoesNotContain(Diagnose(fixedSource), d => d.Id.StartsWith("ODSL", System.StringComparison.Ordinal));
        }

        // Applies the fix to the first diagnostic with one of the ids until none is left (at most a few rounds).
        private static async Task<string> ApplyAllFixes(string source, CodeFixProvider fix, params string[] ids)
        {
            for (int round = 0; round < 5; round++)
            {
                (Document document, ImmutableArray<Diagnostic> diagnostics) = await Analyze(source);
                Diagnostic? diagnostic = diagnostics.FirstOrDefault(d => ids.Contains(d.Id));
                if (diagnostic is null)
                {
                    Assert.True(round > 0, "no diagnostic " + string.Join("/", ids) + " to fix in:\n" + source);
                    return source;
                }

                Assert.True(diagnostic.Location.IsInSource, diagnostic.Id + " must be located in the document for a fix to be offered");
                var actions = new List<CodeAction>();
                var context = new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None);
                await fix.RegisterCodeFixesAsync(context);
                CodeAction action = Assert.Single(actions);
                ApplyChangesOperation apply = (await action.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>().Single();
                SourceText text = await apply.ChangedSolution.GetDocument(document.Id)!.GetTextAsync();
                source = text.ToString();
            }

            return source;
        }

        private static async Task<(Document, ImmutableArray<Diagnostic>)> Analyze(string source)
        {
            var workspace = new AdhocWorkspace();
            CSharpCompilation baseCompilation = GeneratorHarness.BaseCompilation();
            Project project = workspace.AddProject("Fixture", LanguageNames.CSharp)
                .WithCompilationOptions(baseCompilation.Options)
                .WithParseOptions(GeneratorHarness.ParseOptions)
                .WithMetadataReferences(baseCompilation.References);
            Document document = project.AddDocument("Test.cs", SourceText.From(source));
            var compilation = (CSharpCompilation)(await document.Project.GetCompilationAsync())!;
            ImmutableArray<Diagnostic> diagnostics = GeneratorHarness.Run(compilation).GeneratorDiagnostics;
            return (document, diagnostics);
        }

        private static ImmutableArray<Diagnostic> Diagnose(string source) =>
            GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source)).GeneratorDiagnostics;
    }
}
