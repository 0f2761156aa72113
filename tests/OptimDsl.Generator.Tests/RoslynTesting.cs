using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using OptimDsl.Generator.Analyzers;

namespace OptimDsl.Generator.Tests
{
    /// <summary>
    /// Shared set-up of the Roslyn team's testing framework (Microsoft.CodeAnalysis.*.Testing 1.1.4) for OptimDsl:
    /// the same references, compilation options and parse options as <see cref="GeneratorHarness"/>, and the checks
    /// every OptimDsl diagnostic must pass besides its id and span.
    /// </summary>
    /// <remarks>
    /// <para>
    /// References: <see cref="ReferenceAssemblies.Net"/> sets resolve reference packs (Microsoft.NETCore.App.Ref) from
    /// NuGet, which the offline build cannot reach. The tests use a <see cref="ReferenceAssemblies"/> without any
    /// package (it resolves to nothing, without touching a feed) and add the harness's metadata references (the
    /// running shared framework's assemblies plus OptimDsl.Dsl / TorchSharp / OptimDsl.Runtime as asked) through
    /// <see cref="ProjectState.AdditionalReferences"/>. The reference objects are the harness's own, so their metadata
    /// is read once per process.
    /// </para>
    /// <para>
    /// Generated files: the framework can compare <see cref="ProjectState.GeneratedSources"/> only by full text. The
    /// tests leave that list empty where nothing may be generated (the framework then checks that nothing is), and
    /// state the expected hint names otherwise (<see cref="GeneratedFileLog"/>); the generated text itself is pinned
    /// by the golden snapshots (SnapshotTests), and the framework still compiles it (compiler errors in generated code
    /// are reported as unexpected diagnostics).
    /// </para>
    /// </remarks>
    internal static class RoslynTesting
    {
        private const string HelpBase = "https://github.com/optimdsl/optimdsl/blob/main/docs/DIAGNOSTICS.md#";

        /// <summary>No reference-assembly package: every reference comes from <see cref="Configure"/>.</summary>
        private static readonly ReferenceAssemblies NoPackages = new("net10.0");

        /// <summary>Default severities of the catalogue; everything not listed is an error.</summary>
        private static readonly Dictionary<string, DiagnosticSeverity> Warnings = new()
        {
            ["ODSL0007"] = DiagnosticSeverity.Warning,
            ["ODSL0008"] = DiagnosticSeverity.Warning,
            ["ODSL0011"] = DiagnosticSeverity.Warning,
        };

        /// <summary>Gives <paramref name="test"/> the harness's references and the OptimDsl diagnostic checks.</summary>
        public static void Configure(AnalyzerTest<DefaultVerifier> test, TestReferences references)
        {
            test.ReferenceAssemblies = NoPackages;
            test.TestState.AdditionalReferences.AddRange(GeneratorHarness.BaseCompilation(references).References);
            test.DiagnosticVerifier = VerifyCatalogueProperties;
        }

        /// <summary>The hint names (e.g. <c>App.Outer.Mine.g.cs</c>) for the given optimizer type names.</summary>
        public static IEnumerable<string> HintNames(IEnumerable<string> typeNames) => typeNames.Select(n => n + ".g.cs");

        // Called by the framework for every reported diagnostic it matched with an expected one.
        private static void VerifyCatalogueProperties(Diagnostic actual, DiagnosticResult expected, IVerifier verifier)
        {
            if (!actual.Id.StartsWith("ODSL", StringComparison.Ordinal))
            {
                return;
            }

            DiagnosticSeverity severity = Warnings.TryGetValue(actual.Id, out DiagnosticSeverity w) ? w : DiagnosticSeverity.Error;
            verifier.Equal(severity, actual.Severity, actual.Id + " severity: expected " + severity + ", was " + actual.Severity);
            string help = HelpBase + actual.Id.ToLowerInvariant();
            verifier.Equal(help, actual.Descriptor.HelpLinkUri, actual.Id + " help link: expected " + help + ", was " + actual.Descriptor.HelpLinkUri);
            verifier.Equal("OptimDsl", actual.Descriptor.Category, actual.Id + " category: was " + actual.Descriptor.Category);
            verifier.True(actual.Descriptor.IsEnabledByDefault, actual.Id + " must be enabled by default");
            verifier.True(actual.Location.IsInSource, actual.Id + " must be located in source (code fixes, #pragma)");
            verifier.False(actual.GetMessage().Contains('{', StringComparison.Ordinal), actual.Id + " message has an unfilled placeholder: " + actual.GetMessage());
        }
    }

    /// <summary>
    /// Records, per set of input sources, the hint names of the files the generator added when the framework built a
    /// project's compilation (see the <c>GetProjectCompilationAsync</c> overrides below).
    /// </summary>
    internal sealed class GeneratedFileLog
    {
        private readonly ConcurrentDictionary<string, ImmutableArray<string>> _bySources = new(StringComparer.Ordinal);

        public async Task RecordAsync(Project project, Compilation compilation, CancellationToken cancellationToken)
        {
            var documents = project.Documents.ToList();
            var texts = new List<string>();
            foreach (Document document in documents)
            {
                texts.Add((await document.GetTextAsync(cancellationToken).ConfigureAwait(false)).ToString());
            }

            var own = new HashSet<string?>(documents.Select(d => d.FilePath), StringComparer.Ordinal);
            _bySources[Key(texts)] = compilation.SyntaxTrees
                .Where(t => !own.Contains(t.FilePath))
                .Select(t => Path.GetFileName(t.FilePath))
                .OrderBy(n => n, StringComparer.Ordinal)
                .ToImmutableArray();
        }

        /// <summary>Asserts the generator produced exactly <paramref name="expected"/> for a project of <paramref name="sources"/>.</summary>
        public void Verify(IVerifier verifier, IEnumerable<string> sources, IEnumerable<string> expected, string what)
        {
            string key = Key(sources);
            verifier.True(_bySources.TryGetValue(key, out ImmutableArray<string> actual), what + ": no compilation of these sources was built");
            string[] wanted = expected.OrderBy(n => n, StringComparer.Ordinal).ToArray();
            verifier.SequenceEqual(wanted, actual, message: what + ": expected the generated files [" + string.Join(", ", wanted) + "], got [" + string.Join(", ", actual) + "]");
        }

        private static string Key(IEnumerable<string> texts) => string.Join("\0", texts.Select(t => t.Replace("\r\n", "\n", StringComparison.Ordinal)));
    }

    /// <summary>
    /// <see cref="OptimizerGenerator"/> under the framework's source generator test: the expected diagnostics (markup
    /// <c>{|ODSL0004:...|}</c> or <see cref="DiagnosticResult"/>s with locations) are the exact set of generator and
    /// compiler-error diagnostics; nothing may be generated unless <see cref="ExpectedGeneratedFiles"/> says what.
    /// </summary>
    internal sealed class GeneratorTest : CSharpSourceGeneratorTest<OptimizerGenerator, DefaultVerifier>
    {
        private readonly GeneratedFileLog _log = new();

        public GeneratorTest(TestReferences references = TestReferences.All) => RoslynTesting.Configure(this, references);

        /// <summary>Hint names the generator must produce; empty: none (then the framework checks that none is).</summary>
        public List<string> ExpectedGeneratedFiles { get; } = new();

        protected override CompilationOptions CreateCompilationOptions() => GeneratorHarness.CompilationOptions;

        protected override ParseOptions CreateParseOptions() => GeneratorHarness.ParseOptions;

        protected override async Task RunImplAsync(CancellationToken cancellationToken)
        {
            if (ExpectedGeneratedFiles.Count > 0)
            {
                TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
            }

            await base.RunImplAsync(cancellationToken).ConfigureAwait(false);
            if (ExpectedGeneratedFiles.Count > 0)
            {
                _log.Verify(Verify, MarkupFreeSources(TestState), ExpectedGeneratedFiles, "test state");
            }
        }

        protected override async Task<(Compilation compilation, ImmutableArray<Diagnostic> generatorDiagnostics)> GetProjectCompilationAsync(Project project, IVerifier verifier, CancellationToken cancellationToken)
        {
            (Compilation compilation, ImmutableArray<Diagnostic> diagnostics) = await base.GetProjectCompilationAsync(project, verifier, cancellationToken).ConfigureAwait(false);
            await _log.RecordAsync(project, compilation, cancellationToken).ConfigureAwait(false);
            return (compilation, diagnostics);
        }

        internal static IEnumerable<string> MarkupFreeSources(SolutionState state) =>
            state.Sources.Select(s => StripMarkup(s.content.ToString()));

        // The framework's own markup parser ({|ID:text|}, {|#0:text|}, [|text|], $$).
        internal static string StripMarkup(string markup)
        {
            TestFileMarkupParser.GetSpans(markup, out string text, out ImmutableDictionary<string, ImmutableArray<Microsoft.CodeAnalysis.Text.TextSpan>> _);
            return text;
        }
    }

    /// <summary>
    /// A code fix under the framework's code-fix test, fed by <see cref="OptimizerGenerator"/>'s diagnostics: the
    /// framework (1.1.4) applies <see cref="GetSourceGenerators"/> when it computes the diagnostics to verify and to
    /// fix (AnalyzerTest.GetSortedDiagnosticsAsync adds the generator run's diagnostics to the analyzers' ones), so the
    /// analyzer is the framework's <see cref="EmptyDiagnosticAnalyzer"/>. Generated text is not compared
    /// (<see cref="TestBehaviors.SkipGeneratedSourcesCheck"/>: a warning's test state already generates); instead
    /// <see cref="FixedGeneratedFiles"/> names what the fixed sources must generate.
    /// </summary>
    internal sealed class GeneratorCodeFixTest<TCodeFix> : CSharpCodeFixTest<EmptyDiagnosticAnalyzer, TCodeFix, DefaultVerifier>
        where TCodeFix : CodeFixProvider, new()
    {
        private readonly GeneratedFileLog _log = new();

        public GeneratorCodeFixTest()
        {
            RoslynTesting.Configure(this, TestReferences.All);
            TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;

            // Each test is one document: Fix All in project or solution would repeat the document scope's work.
            CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipFixAllInProjectCheck | CodeFixTestBehaviors.SkipFixAllInSolutionCheck;
        }

        /// <summary>Hint names the fixed sources (<c>FixedCode</c>) must generate.</summary>
        public List<string> FixedGeneratedFiles { get; } = new();

        protected override IEnumerable<Type> GetSourceGenerators() => new[] { typeof(OptimizerGenerator) };

        protected override CompilationOptions CreateCompilationOptions() => GeneratorHarness.CompilationOptions;

        protected override ParseOptions CreateParseOptions() => GeneratorHarness.ParseOptions;

        protected override async Task RunImplAsync(CancellationToken cancellationToken)
        {
            await base.RunImplAsync(cancellationToken).ConfigureAwait(false);
            _log.Verify(Verify, GeneratorTest.MarkupFreeSources(FixedState), FixedGeneratedFiles, "fixed state");
        }

        protected override async Task<(Compilation compilation, ImmutableArray<Diagnostic> generatorDiagnostics)> GetProjectCompilationAsync(Project project, IVerifier verifier, CancellationToken cancellationToken)
        {
            (Compilation compilation, ImmutableArray<Diagnostic> diagnostics) = await base.GetProjectCompilationAsync(project, verifier, cancellationToken).ConfigureAwait(false);
            await _log.RecordAsync(project, compilation, cancellationToken).ConfigureAwait(false);
            return (compilation, diagnostics);
        }
    }

    /// <summary>
    /// <see cref="BlockWithoutOptimizerAnalyzer"/> under the framework's analyzer test, with
    /// <see cref="OptimizerGenerator"/> applied too: its diagnostics join the verified set (so a block the generator
    /// ignores must get no generator diagnostic) and nothing may be generated unless
    /// <see cref="ExpectedGeneratedFiles"/> says what. The generated files are part of the compilation the analyzer runs
    /// on, as in the IDE, so they must not trigger ODSL0011 either.
    /// </summary>
    internal sealed class BlockAnalyzerTest : CSharpAnalyzerTest<BlockWithoutOptimizerAnalyzer, DefaultVerifier>
    {
        private readonly GeneratedFileLog _log = new();

        public BlockAnalyzerTest() => RoslynTesting.Configure(this, TestReferences.All);

        /// <summary>Hint names the generator must produce; empty: none (then the framework checks that none is).</summary>
        public List<string> ExpectedGeneratedFiles { get; } = new();

        protected override IEnumerable<Type> GetSourceGenerators() => new[] { typeof(OptimizerGenerator) };

        protected override CompilationOptions CreateCompilationOptions() => GeneratorHarness.CompilationOptions;

        protected override ParseOptions CreateParseOptions() => GeneratorHarness.ParseOptions;

        protected override async Task RunImplAsync(CancellationToken cancellationToken)
        {
            if (ExpectedGeneratedFiles.Count > 0)
            {
                TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
            }

            await base.RunImplAsync(cancellationToken).ConfigureAwait(false);
            if (ExpectedGeneratedFiles.Count > 0)
            {
                _log.Verify(Verify, GeneratorTest.MarkupFreeSources(TestState), ExpectedGeneratedFiles, "test state");
            }
        }

        protected override async Task<(Compilation compilation, ImmutableArray<Diagnostic> generatorDiagnostics)> GetProjectCompilationAsync(Project project, IVerifier verifier, CancellationToken cancellationToken)
        {
            (Compilation compilation, ImmutableArray<Diagnostic> diagnostics) = await base.GetProjectCompilationAsync(project, verifier, cancellationToken).ConfigureAwait(false);
            await _log.RecordAsync(project, compilation, cancellationToken).ConfigureAwait(false);
            return (compilation, diagnostics);
        }
    }
}
