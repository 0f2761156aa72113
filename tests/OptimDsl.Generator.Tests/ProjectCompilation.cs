using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace OptimDsl.Generator.Tests
{
    /// <summary>
    /// One of the repository's test or example projects compiled in memory for <see cref="ScalarLifetimeTests"/>: the
    /// sources its project file compiles (the folder's <c>*.cs</c> outside <c>bin/</c> and <c>obj/</c>, less
    /// <c>Compile Remove</c>, plus linked <c>Compile Include</c> items: a file or <c>dir/**/*.cs</c>), its
    /// <c>DefineConstants</c> and <c>InternalsVisibleTo</c> items, its example project references (compiled the same way,
    /// with their <c>Aliases</c>), and the generator run over it. The references are the framework's and this test
    /// process's own (TorchSharp, OptimDsl.Runtime and .Dsl, xunit, FsCheck, Roslyn, and the examples' packages, which
    /// this test project references for the purpose). Any compile error fails: an expression that does not bind is an
    /// expression the scan cannot see.
    /// </summary>
    internal sealed class ProjectCompilation
    {
        // The generator and its code fixes are analyzers to these projects (referenced as assemblies only where a project
        // says ReferenceOutputAssembly="true"), and the Roslyn testing packages are this project's own business.
        private static readonly string[] NotApplicationReferences = { "OptimDsl.Generator", "OptimDsl.CodeFixes", "Microsoft.CodeAnalysis.Testing", "Microsoft.CodeAnalysis.CSharp.Testing", "Microsoft.CodeAnalysis.Analyzer.Testing", "Microsoft.CodeAnalysis.CodeFix.Testing", "Microsoft.CodeAnalysis.SourceGenerators.Testing", "Microsoft.CodeAnalysis.CSharp.Analyzer.Testing", "Microsoft.CodeAnalysis.CSharp.CodeFix.Testing", "Microsoft.CodeAnalysis.CSharp.SourceGenerators.Testing", "OptimDsl.Generator.Tests" };

        private static readonly Dictionary<string, ProjectCompilation> Cache = new(StringComparer.Ordinal);
        private static readonly object Gate = new();

        private static readonly Lazy<ImmutableArray<MetadataReference>> ApplicationReferences = new(LoadApplicationReferences);

        private ProjectCompilation(Compilation compilation, ImmutableArray<SyntaxTree> sourceTrees)
        {
            Compilation = compilation;
            SourceTrees = sourceTrees;
        }

        /// <summary>The project's compilation after the generator ran.</summary>
        public Compilation Compilation { get; }

        /// <summary>The project's own source trees (not the generated ones, which the generator tests scan).</summary>
        public ImmutableArray<SyntaxTree> SourceTrees { get; }

        /// <summary>The compiled project at <paramref name="relativeProjectPath"/> (from the repository root), built once per process.</summary>
        public static ProjectCompilation Of(string relativeProjectPath)
        {
            string path = Path.GetFullPath(Path.Combine(TestPaths.RepositoryRoot, relativeProjectPath));
            lock (Gate)
            {
                if (!Cache.TryGetValue(path, out ProjectCompilation? compiled))
                {
                    compiled = Compile(path);
                    Cache[path] = compiled;
                }

                return compiled;
            }
        }

        private static ProjectCompilation Compile(string projectPath)
        {
            Assert.True(File.Exists(projectPath), projectPath + " not found");
            string dir = Path.GetDirectoryName(projectPath)!;
            XDocument project = XDocument.Load(projectPath);
            IEnumerable<XElement> Elements(string name) => project.Descendants().Where(e => e.Name.LocalName == name);

            var removed = new HashSet<string>(Elements("Compile").Select(e => (string?)e.Attribute("Remove")).OfType<string>()
                .SelectMany(pattern => Expand(dir, pattern)), StringComparer.Ordinal);
            List<string> files = Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
                .Where(f => !IsBuildOutput(dir, f) && !removed.Contains(f))
                .Concat(Elements("Compile").Select(e => (string?)e.Attribute("Include")).OfType<string>().SelectMany(pattern => Expand(dir, pattern)))
                .Distinct(StringComparer.Ordinal)
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToList();
            Assert.True(files.Count > 0, "no sources found for " + projectPath);

            string[] symbols = Elements("DefineConstants").SelectMany(e => e.Value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Where(s => !s.StartsWith("$(", StringComparison.Ordinal))
                .ToArray();
            CSharpParseOptions parseOptions = GeneratorHarness.FastParseOptions.WithPreprocessorSymbols(symbols);
            var trees = files.Select(f => GeneratorHarness.Parse(File.ReadAllText(f), f, parseOptions)).ToList();
            ImmutableArray<SyntaxTree> sourceTrees = trees.ToImmutableArray();
            string[] friends = Elements("InternalsVisibleTo").Select(e => (string?)e.Attribute("Include")).OfType<string>().ToArray();
            if (friends.Length > 0)
            {
                trees.Add(GeneratorHarness.Parse(
                    string.Concat(friends.Select(f => "[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"" + f + "\")]\n")),
                    Path.Combine(dir, "obj", "InternalsVisibleTo.g.cs"), parseOptions));
            }

            // Example projects this one references (the libraries under src/ are referenced as built assemblies).
            var references = new List<MetadataReference>(ApplicationReferences.Value);
            foreach (XElement reference in Elements("ProjectReference"))
            {
                string target = Path.GetFullPath(Path.Combine(dir, (string)reference.Attribute("Include")!));
                if (Path.GetFileNameWithoutExtension(target) == "OptimDsl.Generator" && (string?)reference.Attribute("ReferenceOutputAssembly") == "true")
                {
                    references.Add(MetadataReference.CreateFromFile(typeof(OptimDsl.Generator.OptimizerGenerator).Assembly.Location));
                }

                if (target.StartsWith(Path.Combine(TestPaths.RepositoryRoot, "src") + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    continue;
                }

                string[] aliases = ((string?)reference.Attribute("Aliases"))?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? Array.Empty<string>();
                ProjectCompilation referenced = Of(Path.GetRelativePath(TestPaths.RepositoryRoot, target));
                references.Add(referenced.Compilation.ToMetadataReference(aliases.Length == 0 ? default : aliases.ToImmutableArray()));
            }

            if (Elements("PackageReference").Any(e => (string?)e.Attribute("Include") == "BenchmarkDotNet"))
            {
                references.AddRange(BenchmarkDotNetReferences.Value);
            }

            bool exe = string.Equals(Elements("OutputType").Select(e => e.Value.Trim()).LastOrDefault(), "Exe", StringComparison.OrdinalIgnoreCase);
            string assemblyName = Elements("AssemblyName").Select(e => e.Value.Trim()).LastOrDefault() ?? Path.GetFileNameWithoutExtension(projectPath);
            CSharpCompilation compilation = GeneratorHarness.BaseCompilation(TestReferences.None)
                .WithAssemblyName(assemblyName)
                .WithOptions(GeneratorHarness.CompilationOptions
                    .WithOutputKind(exe ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary)
                    .WithAllowUnsafe(true))
                .AddReferences(references)
                .AddSyntaxTrees(trees);
            GeneratorRun run = GeneratorHarness.Run(compilation).AssertGeneratorDidNotFail();

            Diagnostic[] errors = run.OutputErrors.ToArray();
            Assert.True(errors.Length == 0, projectPath + " does not compile in the test, so the scan would be incomplete:\n" + GeneratorHarness.Format(errors.Take(20)));
            return new ProjectCompilation(run.OutputCompilation, sourceTrees);
        }

        // "file.cs" or "dir/**/*.cs" (relative to the project folder).
        private static IEnumerable<string> Expand(string dir, string pattern)
        {
            string normalized = pattern.Replace('\\', '/');
            int wildcard = normalized.IndexOf("**", StringComparison.Ordinal);
            if (wildcard < 0)
            {
                return new[] { Path.GetFullPath(Path.Combine(dir, normalized)) };
            }

            string root = Path.GetFullPath(Path.Combine(dir, normalized.Substring(0, wildcard)));
            string filePattern = Path.GetFileName(normalized);
            return Directory.Exists(root)
                ? Directory.EnumerateFiles(root, filePattern == "**" ? "*" : filePattern, SearchOption.AllDirectories).Where(f => !IsBuildOutput(root, f))
                : Enumerable.Empty<string>();
        }

        private static bool IsBuildOutput(string root, string file)
        {
            string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            return relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal);
        }

        // The test process's managed assemblies outside the shared framework (TorchSharp, OptimDsl.*, xunit, FsCheck,
        // Roslyn, ...), less this test assembly.
        private static ImmutableArray<MetadataReference> LoadApplicationReferences()
        {
            string tpa = (string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")
                ?? throw new InvalidOperationException("TRUSTED_PLATFORM_ASSEMBLIES is not available");
            string frameworkDir = Path.GetFullPath(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory()).TrimEnd(Path.DirectorySeparatorChar);
            return tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                .Where(p => !string.Equals(Path.GetDirectoryName(Path.GetFullPath(p)), frameworkDir, StringComparison.Ordinal))
                .Where(p => !NotApplicationReferences.Contains(Path.GetFileNameWithoutExtension(p), StringComparer.Ordinal) && HasMetadata(p))
                .OrderBy(p => p, StringComparer.Ordinal)
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
                .ToImmutableArray();
        }

        // BenchmarkDotNet 0.15.8 (downloaded by this project's PackageDownload items: see its project file).
        private static readonly Lazy<MetadataReference[]> BenchmarkDotNetReferences = new(() =>
        {
            string root = typeof(ProjectCompilation).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
                .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "NuGetPackageRoot").Value
                ?? throw new InvalidOperationException("NuGetPackageRoot is not set");
            return new[]
            {
                Path.Combine(root, "benchmarkdotnet", "0.15.8", "lib", "net8.0", "BenchmarkDotNet.dll"),
                Path.Combine(root, "benchmarkdotnet.annotations", "0.15.8", "lib", "netstandard2.0", "BenchmarkDotNet.Annotations.dll"),
            }.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
        });

        private static bool HasMetadata(string path)
        {
            using FileStream stream = File.OpenRead(path);
            using var reader = new PEReader(stream);
            return reader.HasMetadata;
        }
    }
}
