using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using OptimDsl.Generator;

namespace OptimDsl.PropertyTests.Harness
{
    /// <summary>The generator's output for a set of declaration sources.</summary>
    public sealed class GeneratedSources
    {
        internal GeneratedSources(IReadOnlyList<SyntaxTree> declarations, IReadOnlyList<(string HintName, string Source)> generated, IReadOnlyList<Diagnostic> diagnostics)
        {
            Declarations = declarations;
            Generated = generated;
            Diagnostics = diagnostics;
        }

        /// <summary>The declaration trees the generator ran on.</summary>
        public IReadOnlyList<SyntaxTree> Declarations { get; }

        /// <summary>Generated files by hint name.</summary>
        public IReadOnlyList<(string HintName, string Source)> Generated { get; }

        /// <summary>Generator and driver diagnostics (any severity).</summary>
        public IReadOnlyList<Diagnostic> Diagnostics { get; }

        /// <summary>The generated source of class <paramref name="className"/> (hint name ending in ".{className}.g.cs").</summary>
        public string SourceOf(string className) =>
            Generated.Single(g => g.HintName.EndsWith("." + className + ".g.cs", StringComparison.Ordinal) || g.HintName == className + ".g.cs").Source;
    }

    /// <summary>An in-memory assembly loaded into its own collectible load context; dispose to unload it.</summary>
    public sealed class LoadedVariants : IDisposable
    {
        private CollectibleContext? _context;

        internal LoadedVariants(CollectibleContext context, Assembly assembly)
        {
            _context = context;
            Assembly = assembly;
        }

        /// <summary>The compiled assembly.</summary>
        public Assembly Assembly { get; }

        /// <summary>The type with the given full name.</summary>
        public Type Type(string fullName) =>
            Assembly.GetType(fullName, throwOnError: true)!;

        /// <inheritdoc/>
        public void Dispose()
        {
            _context?.Unload();
            _context = null;
        }
    }

    /// <summary>Resolves everything but the compiled assembly itself from the default context (TorchSharp, OptimDsl, ...).</summary>
    internal sealed class CollectibleContext : AssemblyLoadContext
    {
        public CollectibleContext(string name)
            : base(name, isCollectible: true)
        {
        }

        protected override Assembly? Load(AssemblyName assemblyName) => null;
    }

    /// <summary>Runs <see cref="OptimizerGenerator"/> in-process and compiles its output into a collectible assembly.</summary>
    public static class VariantCompiler
    {
        private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);
        private static int _counter;

        /// <summary>C# latest, as known to the referenced Roslyn.</summary>
        public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

        private static readonly CSharpCompilationOptions Options = new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                optimizationLevel: OptimizationLevel.Release,
                concurrentBuild: true)
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
            {
                ["CS1701"] = ReportDiagnostic.Suppress,
                ["CS1702"] = ReportDiagnostic.Suppress,
            });

        /// <summary>Runs the generator over the given declaration sources.</summary>
        public static GeneratedSources Generate(params string[] declarationSources)
        {
            SyntaxTree[] trees = declarationSources
                .Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: "/decl/Decl" + i + ".cs", encoding: System.Text.Encoding.UTF8))
                .ToArray();
            CSharpCompilation compilation = CSharpCompilation.Create("OptimDsl.PropertyTests.Declarations", trees, References.Value, Options);
            GeneratorDriver driver = CSharpGeneratorDriver.Create(
                new[] { new OptimizerGenerator().AsSourceGenerator() },
                parseOptions: ParseOptions);
            driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out _, out ImmutableArray<Diagnostic> driverDiagnostics);
            GeneratorRunResult result = driver.GetRunResult().Results.Single();
            if (result.Exception is not null)
            {
                throw new InvalidOperationException("The generator threw: " + result.Exception);
            }

            var generated = result.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())).ToList();
            return new GeneratedSources(trees, generated, driverDiagnostics.Concat(result.Diagnostics).ToList());
        }

        /// <summary>
        /// Compiles the declarations together with (possibly edited) generated sources and loads the result. Throws with
        /// the compiler's errors when the compilation fails.
        /// </summary>
        public static LoadedVariants Compile(IEnumerable<SyntaxTree> declarations, IEnumerable<string> generatedSources)
        {
            int id = System.Threading.Interlocked.Increment(ref _counter);
            string name = "OptimDsl.PropertyTests.Variants" + id.ToString(CultureInfo.InvariantCulture);
            IEnumerable<SyntaxTree> generatedTrees = generatedSources
                .Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: "/gen/Gen" + i + ".g.cs", encoding: System.Text.Encoding.UTF8));
            CSharpCompilation compilation = CSharpCompilation.Create(name, declarations.Concat(generatedTrees), References.Value, Options);
            using var stream = new MemoryStream();
            Microsoft.CodeAnalysis.Emit.EmitResult emit = compilation.Emit(stream);
            if (!emit.Success)
            {
                string errors = string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20)
                    .Select(d => d.ToString()));
                throw new InvalidOperationException("The generated code does not compile:\n" + errors);
            }

            stream.Position = 0;
            var context = new CollectibleContext(name);
            Assembly assembly = context.LoadFromStream(stream);
            return new LoadedVariants(context, assembly);
        }

        /// <summary>Fails when the generator reported any warning or error for a declaration meant to be clean.</summary>
        public static void ThrowOnGeneratorDiagnostics(GeneratedSources g)
        {
            Diagnostic[] bad = g.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
            if (bad.Length > 0)
            {
                throw new InvalidOperationException("The generator reported diagnostics for a valid declaration:\n"
                    + string.Join("\n", bad.Select(d => d.ToString())));
            }
        }

        private static ImmutableArray<MetadataReference> LoadReferences()
        {
            string tpa = (string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")
                ?? throw new InvalidOperationException("TRUSTED_PLATFORM_ASSEMBLIES is not available");
            string frameworkDir = Path.GetFullPath(RuntimeEnvironment.GetRuntimeDirectory()).TrimEnd(Path.DirectorySeparatorChar);
            var refs = tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                .Where(p => string.Equals(Path.GetDirectoryName(Path.GetFullPath(p)), frameworkDir, StringComparison.Ordinal))
                .OrderBy(p => p, StringComparer.Ordinal)
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .ToList();
            refs.Add(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location));
            refs.Add(MetadataReference.CreateFromFile(typeof(OptimizerAttribute).Assembly.Location));
            refs.Add(MetadataReference.CreateFromFile(Assembly.Load(new AssemblyName("OptimDsl.Runtime")).Location));
            return refs.ToImmutableArray();
        }
    }
}
