using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace OptimDsl.Generator.Tests
{
    /// <summary>
    /// Property: for any declaration assembled from the DSL's vocabulary (<see cref="RandomDeclarations"/>), the generator
    /// never fails (no ODSL9999, no CS8785, no exception), and either reports at least one ODSL error — located at an
    /// attribute or at the class identifier, with no source generated — or generates source that compiles without errors.
    /// Case count: OPTIMDSL_PROPERTY_CASES (default 4000).
    /// </summary>
    public class RobustnessProperties
    {
        private const string TreePath = "/src/Random.cs";

        // [SM3] and [Adafactor] join the vocabulary once OptimDsl.Runtime has every helper type their generated code names.
        private static readonly Lazy<bool> FactoredAvailable = new(() =>
        {
            GeneratorRun probe = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(new[]
            {
                "using OptimDsl; [Optimizer, SM3] public partial class ProbeSm3 { } [Optimizer, Adafactor] public partial class ProbeAdafactor { }",
            }));
            string[] helpers = probe.GeneratedSources
                .SelectMany(s => System.Text.RegularExpressions.Regex.Matches(s.Source, "global::(OptimDsl\\.Runtime\\.[A-Za-z0-9_]+)").Select(m => m.Groups[1].Value))
                .Distinct()
                .ToArray();
            CSharpCompilation c = GeneratorHarness.BaseCompilation();
            return probe.GeneratedSources.Count == 2 && helpers.All(n => c.GetTypeByMetadataName(n) is not null);
        });

        private readonly ITestOutputHelper _output;

        public RobustnessProperties(ITestOutputHelper output) => _output = output;

        /// <summary>Outcome of one case.</summary>
        public enum Kind
        {
            Generated,
            Rejected,
        }

        [Fact]
        public void Any_declaration_is_either_rejected_at_its_attributes_and_arguments_or_compiles()
        {
            int cases = int.TryParse(Environment.GetEnvironmentVariable("OPTIMDSL_PROPERTY_CASES"), out int n) && n > 0 ? n : 4000;
            int generated = 0;
            int rejected = 0;
            var errorIds = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
            var watch = Stopwatch.StartNew();

            Property property = Prop.ForAll(RandomDeclarations.Arbitrary(FactoredAvailable.Value), (DeclarationCase c) =>
            {
                Kind kind = Check(c, out IReadOnlyList<string> ids);
                Interlocked.Increment(ref kind == Kind.Generated ? ref generated : ref rejected);
                foreach (string id in ids)
                {
                    errorIds.AddOrUpdate(id, 1, (_, count) => count + 1);
                }
            });

            // Cases are independent (each has its own compilation; references are shared and thread-safe): run them on all cores.
            Config config = Config.QuickThrowOnFailure.WithMaxTest(cases).WithQuietOnSuccess(true)
                .WithParallelRunConfig(new ParallelRunConfig(Math.Max(1, Environment.ProcessorCount)));
            FsCheck.Check.One(config, property);

            _output.WriteLine($"{cases} cases in {watch.Elapsed.TotalSeconds:F1} s: {generated} generated and compiled, {rejected} rejected with an ODSL error"
                + (FactoredAvailable.Value ? "" : " ([SM3]/[Adafactor] left out: OptimDsl.Runtime lacks helper types their generated code uses)"));
            _output.WriteLine("rejected declarations with each error id: " + string.Join(", ", errorIds.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key + " " + e.Value)));
            Assert.True(generated > cases / 10, "too few valid declarations were generated to mean anything");
            Assert.True(rejected > cases / 10, "too few invalid declarations were generated to mean anything");
        }

        /// <summary>
        /// Not a test run by default: set OPTIMDSL_EXPLORE=&lt;cases&gt; to sample that many declarations, keep going after
        /// failures, shrink one example per kind of failure and print them (for bug reports).
        /// </summary>
        [Fact]
        public void Explore_failures()
        {
            if (!int.TryParse(Environment.GetEnvironmentVariable("OPTIMDSL_EXPLORE"), out int cases) || cases <= 0)
            {
                return;
            }

            var examples = new Dictionary<string, (DeclarationCase Case, string Message, int Count)>();
            var watch = Stopwatch.StartNew();
            int generated = 0;
            foreach (DeclarationCase c in RandomDeclarations.Declarations(FactoredAvailable.Value).Sample(cases))
            {
                if (Failure(c, out Kind? kind) is not { } failure)
                {
                    generated += kind == Kind.Generated ? 1 : 0;
                    continue;
                }

                if (examples.TryGetValue(failure.Signature, out var seen))
                {
                    examples[failure.Signature] = seen with { Count = seen.Count + 1 };
                    continue;
                }

                DeclarationCase smallest = c;
                string message = failure.Message;
                for (bool progress = true; progress;)
                {
                    progress = false;
                    foreach (DeclarationCase candidate in RandomDeclarations.Shrink(smallest))
                    {
                        if (Failure(candidate, out _) is { } f && f.Signature == failure.Signature)
                        {
                            smallest = candidate;
                            message = f.Message;
                            progress = true;
                            break;
                        }
                    }
                }

                examples[failure.Signature] = (smallest, message, 1);
            }

            _output.WriteLine($"{cases} cases in {watch.Elapsed.TotalSeconds:F1} s, {examples.Sum(e => e.Value.Count)} failures of {examples.Count} kinds, {generated} generated and compiled");
            foreach (var (signature, example) in examples.OrderByDescending(e => e.Value.Count))
            {
                _output.WriteLine($"==== {signature} ({example.Count} of {cases})\n{example.Case.Source}{example.Message}\n");
            }
        }

        private static (string Signature, string Message)? Failure(DeclarationCase c, out Kind? kind)
        {
            kind = null;
            try
            {
                kind = Check(c);
                return null;
            }
            catch (Exception e)
            {
                var id = System.Text.RegularExpressions.Regex.Match(e.Message, "(Error|Warning) ([A-Z]+[0-9]+):");
                string signature = e.Message.Split('\n')[0] + " | " + (id.Success ? id.Groups[2].Value : "-");
                return (signature, e.Message);
            }
        }

        /// <summary>Checks one case; throws with a readable message when the property does not hold.</summary>
        public static Kind Check(DeclarationCase c) => Check(c.Source, DeclarationCase.ClassName, out _);

        /// <inheritdoc cref="Check(string, string, out IReadOnlyList{string})"/>
        public static Kind Check(string source, string className) => Check(source, className, out _);

        /// <summary>Checks one case and returns the distinct ids of the ODSL errors it was rejected with.</summary>
        public static Kind Check(DeclarationCase c, out IReadOnlyList<string> errorIds) => Check(c.Source, DeclarationCase.ClassName, out errorIds);

        /// <summary>
        /// Checks a source declaring one optimizer class named <paramref name="className"/>: the generator does not fail,
        /// its diagnostics sit at an attribute or at the class identifier, and it either reports an error (and generates
        /// nothing) or generates one file that compiles.
        /// </summary>
        public static Kind Check(string source, string className, out IReadOnlyList<string> errorIds)
        {
            errorIds = Array.Empty<string>();
            // Documentation comments are parsed but not checked here (half the cost; the quality tests check them).
            SyntaxTree tree = GeneratorHarness.Parse(source, TreePath, GeneratorHarness.FastParseOptions);
            CSharpCompilation compilation = GeneratorHarness.CreateCompilation(new[] { tree });

            GeneratorRun run = GeneratorHarness.Run(compilation);
            if (run.Result.Exception is not null || run.DriverDiagnostics.Concat(run.GeneratorDiagnostics).Any(d => d.Id is "ODSL9999" or "CS8784" or "CS8785"))
            {
                throw new XunitException("The generator failed:\n" + GeneratorHarness.Format(run.DriverDiagnostics.Concat(run.GeneratorDiagnostics)) + "\n" + run.Result.Exception);
            }

            // Every OptimDsl diagnostic points at one of the declaration's attributes, one of their arguments, or at its identifier.
            var allowed = new HashSet<TextSpan>(tree.GetRoot().DescendantNodes().OfType<AttributeSyntax>().Select(a => a.Span));
            allowed.UnionWith(tree.GetRoot().DescendantNodes().OfType<AttributeArgumentSyntax>().Select(a => a.Span));
            allowed.UnionWith(tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>()
                .Where(t => t.Identifier.Text == className).Select(t => t.Identifier.Span));
            Diagnostic[] misplaced = run.GeneratorDiagnostics
                .Where(d => d.Location.GetLineSpan().Path != TreePath || !allowed.Contains(d.Location.SourceSpan))
                .ToArray();
            if (misplaced.Length > 0)
            {
                throw new XunitException("Diagnostics not located at an attribute, an attribute argument or the class identifier:\n" + GeneratorHarness.Format(misplaced));
            }

            Diagnostic[] errors = run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
            if (errors.Length > 0)
            {
                if (run.GeneratedSources.Count > 0)
                {
                    throw new XunitException("Source was generated despite errors:\n" + GeneratorHarness.Format(errors));
                }

                errorIds = errors.Select(e => e.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal).ToArray();
                return Kind.Rejected;
            }

            // No ODSL error: the declaration must have been generated (a silently ignored [Optimizer] is a failure too) ...
            if (run.GeneratedSources.Count != 1)
            {
                Diagnostic[] inputErrors = run.InputCompilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
                throw new XunitException("No ODSL error, but " + run.GeneratedSources.Count + " files were generated"
                    + (inputErrors.Length > 0 ? "; the declaration alone has errors:\n" + GeneratorHarness.Format(inputErrors) : " (the declaration alone compiles)"));
            }

            // ... and the result must compile.
            Diagnostic[] outputErrors = run.OutputErrors.ToArray();
            if (outputErrors.Length > 0)
            {
                throw new XunitException("No ODSL error, but the output does not compile:\n" + GeneratorHarness.Format(outputErrors.Take(8)));
            }

            return Kind.Generated;
        }
    }
}
