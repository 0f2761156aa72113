using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace OptimDsl.Generator.Tests
{
    /// <summary>Which assemblies a test compilation references besides the framework.</summary>
    [Flags]
    public enum TestReferences
    {
        /// <summary>Framework assemblies only.</summary>
        None = 0,

        /// <summary>OptimDsl.Dsl (the attributes).</summary>
        Dsl = 1,

        /// <summary>TorchSharp.dll (metadata only).</summary>
        TorchSharp = 2,

        /// <summary>OptimDsl.Runtime.dll (helpers called by generated code).</summary>
        Runtime = 4,

        /// <summary>Everything a consumer of the OptimDsl package has.</summary>
        All = Dsl | TorchSharp | Runtime,
    }

    /// <summary>One generator run: the driver, its run result, the generated sources and the resulting compilation.</summary>
    public sealed class GeneratorRun
    {
        private ImmutableArray<Diagnostic>? _outputDiagnostics;

        internal GeneratorRun(CSharpCompilation input, Compilation output, GeneratorDriver driver, ImmutableArray<Diagnostic> driverDiagnostics)
        {
            InputCompilation = input;
            OutputCompilation = output;
            Driver = driver;
            RunResult = driver.GetRunResult();
            DriverDiagnostics = driverDiagnostics;
        }

        /// <summary>The compilation the generator ran on.</summary>
        public CSharpCompilation InputCompilation { get; }

        /// <summary>The input compilation plus the generated trees.</summary>
        public Compilation OutputCompilation { get; }

        /// <summary>The driver after the run (pass it to <see cref="GeneratorHarness.Rerun"/> for incremental runs).</summary>
        public GeneratorDriver Driver { get; }

        /// <summary>The driver's run result.</summary>
        public GeneratorDriverRunResult RunResult { get; }

        /// <summary>Diagnostics of the driver itself (e.g. CS8785 "generator failed").</summary>
        public ImmutableArray<Diagnostic> DriverDiagnostics { get; }

        /// <summary>The single generator's result.</summary>
        public GeneratorRunResult Result => RunResult.Results.Single();

        /// <summary>Diagnostics reported by the generator (ODSLxxxx).</summary>
        public ImmutableArray<Diagnostic> GeneratorDiagnostics => Result.Diagnostics;

        /// <summary>Generated sources by hint name, newlines as generated.</summary>
        public IReadOnlyList<(string HintName, string Source)> GeneratedSources =>
            Result.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())).ToList();

        /// <summary>All diagnostics of the output compilation (declarations + generated code).</summary>
        public ImmutableArray<Diagnostic> OutputDiagnostics => _outputDiagnostics ??= OutputCompilation.GetDiagnostics();

        /// <summary>Errors of the output compilation.</summary>
        public IEnumerable<Diagnostic> OutputErrors => OutputDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

        /// <summary>The generated syntax trees in the output compilation.</summary>
        public IEnumerable<SyntaxTree> GeneratedTrees => Result.GeneratedSources.Select(s => s.SyntaxTree);

        /// <summary>Fails when the generator threw, reported an internal error or the driver reported a generator failure.</summary>
        public GeneratorRun AssertGeneratorDidNotFail()
        {
            Assert.True(Result.Exception is null, "The generator threw: " + Result.Exception);
            Diagnostic[] failures = DriverDiagnostics.Concat(GeneratorDiagnostics)
                .Where(d => d.Id is "ODSL9999" or "CS8784" or "CS8785")
                .ToArray();
            Assert.True(failures.Length == 0, "The generator failed:\n" + GeneratorHarness.Format(failures));
            return this;
        }
    }

    /// <summary>
    /// Builds test compilations and runs <see cref="OptimizerGenerator"/> over them with step tracking on.
    /// References are resolved once per process and shared by every compilation (through one base compilation per
    /// reference set, so metadata is imported once).
    /// </summary>
    public static class GeneratorHarness
    {
        private static readonly Lazy<ImmutableArray<MetadataReference>> FrameworkReferences = new(LoadFrameworkReferences);
        private static readonly Dictionary<TestReferences, CSharpCompilation> BaseCompilations = new();
        private static readonly object Gate = new();

        /// <summary>C# latest (as known to the referenced Roslyn), XML doc comments checked like a documented project.</summary>
        public static readonly CSharpParseOptions ParseOptions = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Diagnose);

        /// <summary>C# latest with XML doc comments parsed but not checked (cheaper: for the many-case property).</summary>
        public static readonly CSharpParseOptions FastParseOptions = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Parse);

        /// <summary>
        /// Default options: a library, nullable enabled, all warning waves on, and CS1701/CS1702 (assembly-version
        /// unification notes) suppressed as the .NET SDK does.
        /// </summary>
        public static readonly CSharpCompilationOptions CompilationOptions = new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999)
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
            {
                ["CS1701"] = ReportDiagnostic.Suppress,
                ["CS1702"] = ReportDiagnostic.Suppress,
            });

        /// <summary><see cref="CompilationOptions"/> with every warning reported as an error (TreatWarningsAsErrors).</summary>
        public static readonly CSharpCompilationOptions StrictCompilationOptions =
            CompilationOptions.WithGeneralDiagnosticOption(ReportDiagnostic.Error);

        /// <summary>Path of OptimDsl.Runtime.dll (built by the project reference).</summary>
        public static string RuntimeAssemblyPath => Assembly.Load(new AssemblyName("OptimDsl.Runtime")).Location;

        /// <summary>Path of TorchSharp.dll.</summary>
        public static string TorchSharpAssemblyPath => typeof(TorchSharp.torch).Assembly.Location;

        /// <summary>Path of OptimDsl.Dsl.dll.</summary>
        public static string DslAssemblyPath => typeof(OptimizerAttribute).Assembly.Location;

        /// <summary>An empty compilation with the given references; add syntax trees to it (cheap: metadata is shared).</summary>
        public static CSharpCompilation BaseCompilation(TestReferences references = TestReferences.All)
        {
            lock (Gate)
            {
                if (!BaseCompilations.TryGetValue(references, out CSharpCompilation? compilation))
                {
                    var refs = new List<MetadataReference>(FrameworkReferences.Value);
                    if (references.HasFlag(TestReferences.Dsl))
                    {
                        refs.Add(MetadataReference.CreateFromFile(DslAssemblyPath));
                    }

                    if (references.HasFlag(TestReferences.TorchSharp))
                    {
                        refs.Add(MetadataReference.CreateFromFile(TorchSharpAssemblyPath));
                    }

                    if (references.HasFlag(TestReferences.Runtime))
                    {
                        refs.Add(MetadataReference.CreateFromFile(RuntimeAssemblyPath));
                    }

                    compilation = CSharpCompilation.Create("OptimDsl.GeneratorTests.Input", Array.Empty<SyntaxTree>(), refs, CompilationOptions);
                    BaseCompilations[references] = compilation;
                }

                return compilation;
            }
        }

        /// <summary>Parses one source as a test file (paths <c>/src/Test{i}.cs</c> unless given).</summary>
        public static SyntaxTree Parse(string source, string? path = null, CSharpParseOptions? options = null) =>
            CSharpSyntaxTree.ParseText(source, options ?? ParseOptions, path: path ?? "/src/Test0.cs", encoding: System.Text.Encoding.UTF8);

        /// <summary>A compilation of the given sources (paths /src/Test0.cs, /src/Test1.cs, ...).</summary>
        public static CSharpCompilation CreateCompilation(IEnumerable<string> sources, TestReferences references = TestReferences.All, CSharpCompilationOptions? options = null)
        {
            SyntaxTree[] trees = sources.Select((s, i) => Parse(s, "/src/Test" + i + ".cs")).ToArray();
            return CreateCompilation(trees, references, options);
        }

        /// <summary>A compilation of the given trees.</summary>
        public static CSharpCompilation CreateCompilation(IEnumerable<SyntaxTree> trees, TestReferences references = TestReferences.All, CSharpCompilationOptions? options = null)
        {
            CSharpCompilation compilation = BaseCompilation(references).AddSyntaxTrees(trees);
            return options is null ? compilation : compilation.WithOptions(options);
        }

        /// <summary>A compilation of one source.</summary>
        public static CSharpCompilation CreateCompilation(string source, TestReferences references = TestReferences.All, CSharpCompilationOptions? options = null) =>
            CreateCompilation(new[] { source }, references, options);

        /// <summary>A fresh driver with step tracking, running a new <see cref="OptimizerGenerator"/>; generated trees use the given parse options.</summary>
        public static GeneratorDriver CreateDriver(CSharpParseOptions? parseOptions = null) =>
            CSharpGeneratorDriver.Create(
                new[] { new OptimizerGenerator().AsSourceGenerator() },
                additionalTexts: null,
                parseOptions: parseOptions ?? ParseOptions,
                optionsProvider: null,
                driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

        /// <summary>Runs a fresh driver over <paramref name="compilation"/>.</summary>
        public static GeneratorRun Run(CSharpCompilation compilation) =>
            Rerun(CreateDriver((CSharpParseOptions?)compilation.SyntaxTrees.FirstOrDefault()?.Options), compilation);

        /// <summary>Runs the generator over the given sources (all references).</summary>
        public static GeneratorRun Run(params string[] sources) => Run(CreateCompilation(sources));

        /// <summary>Runs an existing driver (keeping its caches) over a new compilation.</summary>
        public static GeneratorRun Rerun(GeneratorDriver driver, CSharpCompilation compilation)
        {
            driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
            return new GeneratorRun(compilation, output, driver, diagnostics);
        }

        /// <summary>One diagnostic per line with its location, for assertion messages.</summary>
        public static string Format(IEnumerable<Diagnostic> diagnostics) =>
            string.Join("\n", diagnostics.Select(d =>
            {
                FileLinePositionSpan span = d.Location.GetLineSpan();
                string where = d.Location == Location.None ? "(no location)" : span.Path + "(" + (span.StartLinePosition.Line + 1) + "," + (span.StartLinePosition.Character + 1) + ")";
                return "  " + where + ": " + d.Severity + " " + d.Id + ": " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            }));

        // The framework assemblies among the test process's trusted platform assemblies (those in the shared framework
        // folder). Application assemblies (TorchSharp, Roslyn, xunit, ...) are left out so each test chooses them.
        private static ImmutableArray<MetadataReference> LoadFrameworkReferences()
        {
            string tpa = (string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")
                ?? throw new InvalidOperationException("TRUSTED_PLATFORM_ASSEMBLIES is not available");
            string frameworkDir = Path.GetFullPath(RuntimeEnvironment.GetRuntimeDirectory()).TrimEnd(Path.DirectorySeparatorChar);
            return tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Where(p => string.Equals(Path.GetDirectoryName(Path.GetFullPath(p)), frameworkDir, StringComparison.Ordinal))
                .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                .OrderBy(p => p, StringComparer.Ordinal)
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .ToImmutableArray();
        }
    }
}
