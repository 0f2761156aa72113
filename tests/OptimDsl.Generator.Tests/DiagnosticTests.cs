using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace OptimDsl.Generator.Tests
{
    /// <summary>
    /// One test (or theory) per diagnostic of the catalogue that source can trigger. Each asserts the exact set of
    /// OptimDsl diagnostics (id + span, marked in the source as <c>{|ODSLxxxx:text|}</c>), their severity and help link,
    /// that the generator did not fail, and that an invalid declaration gets no generated source.
    /// Test methods are named after the id they cover (checked by <see cref="Every_catalogue_id_has_a_test"/>).
    /// </summary>
    public class DiagnosticTests
    {
        private const string HelpBase = "https://github.com/optimdsl/optimdsl/blob/main/docs/DIAGNOSTICS.md#";

        /// <summary>Default severities; everything not listed is an error.</summary>
        private static readonly Dictionary<string, DiagnosticSeverity> Warnings = new()
        {
            ["ODSL0007"] = DiagnosticSeverity.Warning,
            ["ODSL0008"] = DiagnosticSeverity.Warning,
        };

        [Theory]
        [InlineData("[Optimizer] public class {|ODSL0001:Plain|} { }")]
        [InlineData("[Optimizer] internal sealed class {|ODSL0001:Plain|} { }")]
        [InlineData("[Optimizer, FirstMoment] public abstract class {|ODSL0001:Plain|} { }")]
        public void ODSL0001_optimizer_class_must_be_partial(string markup) => Verify(markup);

        [Theory]
        [InlineData("[Optimizer] public partial class {|ODSL0002:Generic|}<T> { }")]
        [InlineData("[Optimizer] public partial class {|ODSL0002:Generic|}<TKey, TValue> where TKey : class { }")]
        [InlineData("public partial class Outer<T> { [Optimizer] public partial class {|ODSL0002:Inner|} { } }")]
        public void ODSL0002_optimizer_class_must_not_be_generic(string markup) => Verify(markup);

        [Theory]
        [InlineData("public class Outer { [Optimizer] public partial class {|ODSL0003:Inner|} { } }")]
        [InlineData("public static class Outer { [Optimizer] internal partial class {|ODSL0003:Inner|} { } }")]
        [InlineData("public partial class A { internal struct B { [Optimizer] internal partial class {|ODSL0003:C|} { } } }")]
        [InlineData("public record R { [Optimizer] public partial class {|ODSL0003:Inner|} { } }")]
        public void ODSL0003_containing_type_must_be_partial(string markup) => Verify(markup);

        [Fact]
        public void ODSL0003_is_reported_once_per_non_partial_containing_type()
        {
            GeneratorRun run = Run("public class A { public class B { [Optimizer] public partial class C { } } }");
            Assert.Equal(2, run.GeneratorDiagnostics.Count(d => d.Id == "ODSL0003"));
            Assert.Contains(run.GeneratorDiagnostics, d => d.GetMessage().Contains("'A'", StringComparison.Ordinal));
            Assert.Contains(run.GeneratorDiagnostics, d => d.GetMessage().Contains("'B'", StringComparison.Ordinal));
            Assert.Empty(run.GeneratedSources);
        }

        [Theory]
        [InlineData("[Optimizer, {|ODSL0004:FirstMoment(Beta = 0.9)|}, Momentum(Default = 0.9)] public partial class Both { }")]
        [InlineData("[Optimizer] [SecondMoment] [{|ODSL0004:Accumulator|}] public partial class Both { }")]
        [InlineData("[Optimizer] [{|ODSL0004:SM3|}] [SecondMoment] public partial class Both { }")]
        [InlineData("[Optimizer] [{|ODSL0004:SecondMoment|}] [Adafactor] public partial class Both { }")]
        [InlineData("[Optimizer] [{|ODSL0004:CriticalBuffer(Structure = CriticalBufferStructure.Heap, RandomReplacement = true)|}] public partial class Both { }")]
        public void ODSL0004_conflicting_blocks(string markup) => Verify(markup);

        [Theory]
        [InlineData("[Optimizer] [{|ODSL0005:AmsGrad|}] public partial class Missing { }")]
        [InlineData("[Optimizer] [FirstMoment] [{|ODSL0005:AmsGrad|}] public partial class Missing { }")]
        [InlineData("[Optimizer] [{|ODSL0005:CriticalBuffer(Source = CriticalSource.Momentum)|}] public partial class Missing { }")]
        [InlineData("[Optimizer] [FirstMoment(Input = MomentInput.Preconditioned)] [SecondMoment] [{|ODSL0005:CriticalBuffer(Source = CriticalSource.Momentum)|}] public partial class Missing { }")]
        [InlineData("[Optimizer] [{|ODSL0005:BiasCorrection|}] [Momentum(Default = 0.9)] public partial class Missing { }")]
        [InlineData("[Optimizer] [FirstMoment] [{|ODSL0005:CriticalBuffer(Source = CriticalSource.Momentum, FeedsSecondMoment = true)|}] public partial class Missing { }")]
        public void ODSL0005_missing_required_block(string markup) => Verify(markup);

        [Theory]
        [InlineData("[{|ODSL0006:Optimizer(Lr = -1)|}] public partial class Bad { }")]
        [InlineData("[{|ODSL0006:Optimizer(Lr = double.NaN)|}] public partial class Bad { }")]
        [InlineData("[Optimizer] [{|ODSL0006:FirstMoment(Beta = 1.5)|}] public partial class Bad { }")]
        [InlineData("[Optimizer] [{|ODSL0006:FirstMoment(Beta = 1)|}] public partial class Bad { }")]
        [InlineData("[Optimizer] [{|ODSL0006:SecondMoment(Beta = -0.1)|}] public partial class Bad { }")]
        [InlineData("[Optimizer] [{|ODSL0006:CriticalBuffer(TopC = 0)|}] public partial class Bad { }")]
        [InlineData("[Optimizer] [{|ODSL0006:CriticalBuffer(Decay = 0)|}] public partial class Bad { }")]
        [InlineData("[Optimizer] [{|ODSL0006:CriticalBuffer(MaxAge = -1)|}] public partial class Bad { }")]
        [InlineData("[Optimizer] [{|ODSL0006:CriticalBuffer(Kappa = 0, KappaUse = KappaUse.Switch)|}] public partial class Bad { }")]
        [InlineData("[Optimizer] [SecondMoment] [{|ODSL0006:Epsilon(-1)|}] public partial class Bad { }")]
        [InlineData("[Optimizer] [{|ODSL0006:WeightDecay(Default = -0.01)|}] public partial class Bad { }")]
        [InlineData("[Optimizer] [{|ODSL0006:Momentum(Nesterov = true)|}] public partial class Bad { }")]
        [InlineData("[Optimizer] [{|ODSL0006:Momentum(Default = 1)|}] public partial class Bad { }")]
        [InlineData("[Optimizer] [{|ODSL0006:Adafactor(WarmupInit = true, RelativeStep = false)|}] public partial class Bad { }")]
        [InlineData("[Optimizer] [{|ODSL0006:Adafactor(DecayRate = 0.5)|}] public partial class Bad { }")]
        [InlineData("[Optimizer] [{|ODSL0006:LrDecay(Default = -1)|}] public partial class Bad { }")]
        [InlineData("[Optimizer] [{|ODSL0006:Accumulator(InitialValue = -1)|}] public partial class Bad { }")]
        public void ODSL0006_value_out_of_range(string markup) => Verify(markup);

        [Fact]
        public void ODSL0006_message_names_the_value_and_the_allowed_range()
        {
            GeneratorRun run = Run("[Optimizer] [FirstMoment(Beta = 1.5)] public partial class Bad { }");
            Diagnostic d = Assert.Single(run.GeneratorDiagnostics);
            Assert.Equal("FirstMoment.Beta = 1.5 is out of range: allowed range [0, 1)", d.GetMessage());
        }

        [Fact]
        public void ODSL0007_duplicate_names_warn_at_each_declaration_and_still_generate()
        {
            GeneratorRun run = Verify("""
                namespace First
                {
                    [{|ODSL0007:Optimizer|}] [FirstMoment] public partial class Twin { }
                }

                namespace Second
                {
                    [{|ODSL0007:Optimizer(Lr = 0.1)|}] [Momentum] public partial class Twin { }
                }
                """);
            Assert.Equal(2, run.GeneratedSources.Count);
            Assert.Empty(run.OutputErrors);
        }

        [Fact]
        public void ODSL0007_nested_types_of_the_same_name_also_collide()
        {
            GeneratorRun run = Verify("""
                public partial class A { [{|ODSL0007:Optimizer|}] public partial class Opt { } }
                public partial class B { [{|ODSL0007:Optimizer|}] public partial class Opt { } }
                """);
            Assert.Equal(2, run.GeneratedSources.Count);
            Assert.Empty(run.OutputErrors);
        }

        [Theory]
        [InlineData("[Optimizer] [{|ODSL0008:Epsilon|}] public partial class Ignored { }")]
        [InlineData("[Optimizer] [FirstMoment] [{|ODSL0008:Epsilon(1e-6)|}] public partial class Ignored { }")]
        [InlineData("[Optimizer] [{|ODSL0008:WeightDecay(Default = 0.1, Order = WeightDecayOrder.AfterCriticalBuffer)|}] public partial class Ignored { }")]
        [InlineData("[Optimizer] [CriticalBuffer] [{|ODSL0008:WeightDecay(Mode = WeightDecayMode.Decoupled, Order = WeightDecayOrder.AfterCriticalBuffer)|}] public partial class Ignored { }")]
        [InlineData("[Optimizer] [{|ODSL0008:CriticalBuffer(SeedWithGradient = true)|}] public partial class Ignored { }")]
        [InlineData("[Optimizer] [{|ODSL0008:CriticalBuffer(Sum = CriticalSum.Recompute)|}] public partial class Ignored { }")]
        [InlineData("[Optimizer] [SecondMoment] [{|ODSL0008:Momentum(Default = 0.5, Dampening = 0.5, Input = MomentInput.Preconditioned)|}] public partial class Ignored { }")]
        [InlineData("[Optimizer] [{|ODSL0008:SecondMoment(CenteredDefault = true)|}] public partial class Ignored { }")]
        public void ODSL0008_option_ignored_is_a_warning_and_code_is_still_generated(string markup)
        {
            GeneratorRun run = Verify(markup);
            Assert.Single(run.GeneratedSources);
            Assert.Empty(run.OutputErrors);
        }

        [Theory]
        [InlineData("[Optimizer] [{|ODSL0009:FirstMoment(Name = \"beta2\")|}] [SecondMoment] public partial class Names { }")]
        [InlineData("[Optimizer] [{|ODSL0009:FirstMoment(Name = \"class\")|}] public partial class Names { }")]
        [InlineData("[Optimizer] [{|ODSL0009:FirstMoment(Name = \"my beta\")|}] public partial class Names { }")]
        [InlineData("[Optimizer] [{|ODSL0009:FirstMoment(Name = \"\")|}] public partial class Names { }")]
        [InlineData("[Optimizer] [{|ODSL0009:SecondMoment(Name = \"lr\")|}] public partial class Names { }")]
        [InlineData("[Optimizer] [{|ODSL0009:SecondMoment(Name = \"weight_decay\")|}] [WeightDecay] public partial class Names { }")]
        [InlineData("[Optimizer] [{|ODSL0009:FirstMoment(Name = \"eps\")|}] [SecondMoment] [Epsilon] public partial class Names { }")]
        public void ODSL0009_invalid_or_duplicate_argument_name(string markup) => Verify(markup);

        [Fact]
        public void ODSL0010_torchsharp_missing_is_reported_once_at_the_first_declaration()
        {
            GeneratorRun run = Verify(
                """
                [{|ODSL0010:Optimizer|}] [FirstMoment] public partial class First { }
                [Optimizer] [Momentum] public partial class Second { }
                """,
                TestReferences.Dsl);
            Assert.Empty(run.GeneratedSources);
        }

        [Fact]
        public void ODSL0010_is_not_reported_without_declarations()
        {
            GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation("public class Unrelated { }", TestReferences.Dsl)).AssertGeneratorDidNotFail();
            Assert.Empty(run.GeneratorDiagnostics);
            Assert.Empty(run.GeneratedSources);
        }

        [Theory]
        [InlineData("[{|ODSL0011:FirstMoment|}] public partial class NotAnOptimizer { }")]
        [InlineData("[{|ODSL0011:SecondMoment(Beta = 0.99)|}] [{|ODSL0011:Epsilon|}] [Reproduces(\"x\")] public class NotAnOptimizer { }")]
        [InlineData("public partial class Outer { [{|ODSL0011:CriticalBuffer|}] private sealed class Nested { } }")]
        public async System.Threading.Tasks.Task ODSL0011_block_without_optimizer_is_reported_by_the_analyzer(string markup)
        {
            (string source, IReadOnlyList<MarkedSpan> marked) = SourceMarkup.Parse("using OptimDsl;\n" + markup);
            CSharpCompilation compilation = GeneratorHarness.CreateCompilation(new[] { GeneratorHarness.Parse(source) });
            var analyzer = new OptimDsl.Generator.Analyzers.BlockWithoutOptimizerAnalyzer();
            ImmutableArray<Diagnostic> found = await compilation
                .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(analyzer))
                .GetAnalyzerDiagnosticsAsync();

            Assert.Equal(
                marked.Select(m => m.Id + " " + m.Span).OrderBy(x => x, StringComparer.Ordinal),
                found.Select(d => d.Id + " " + d.Location.SourceSpan).OrderBy(x => x, StringComparer.Ordinal));
            Assert.All(found, d =>
            {
                Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
                Assert.Equal(HelpBase + "odsl0011", d.Descriptor.HelpLinkUri);
            });

            // The generator itself ignores such classes.
            GeneratorRun run = GeneratorHarness.Run(compilation).AssertGeneratorDidNotFail();
            Assert.Empty(run.GeneratorDiagnostics);
            Assert.Empty(run.GeneratedSources);
        }

        [Fact]
        public async System.Threading.Tasks.Task ODSL0011_is_not_reported_on_optimizers()
        {
            CSharpCompilation compilation = GeneratorHarness.CreateCompilation("using OptimDsl; [Optimizer, FirstMoment, SecondMoment] public partial class Opt { }");
            ImmutableArray<Diagnostic> found = await compilation
                .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new OptimDsl.Generator.Analyzers.BlockWithoutOptimizerAnalyzer()))
                .GetAnalyzerDiagnosticsAsync();
            Assert.Empty(found);
        }

        /// <summary>
        /// Proposed ODSL0012 (records, static classes and classes with a base class cannot be optimizers); until the id is in
        /// the catalogue, <see cref="EdgeCaseTests"/> only requires some ODSL error for these declarations.
        /// </summary>
        [Theory]
        [InlineData("[Optimizer] public partial record {|ODSL0012:Rec|} { }")]
        [InlineData("[Optimizer] public sealed partial record class {|ODSL0012:Rec|}(int X);")]
        [InlineData("[Optimizer] public static partial class {|ODSL0012:Stat|} { }")]
        [InlineData("[Optimizer] public partial class {|ODSL0012:Derived|} : System.Collections.Generic.List<int> { }")]
        public void ODSL0012_optimizer_must_be_a_plain_class(string markup)
        {
            if (!CatalogueIds().Contains("ODSL0012"))
            {
                return;
            }

            Verify(markup);
        }

        [Fact]
        public void An_optimizer_may_restate_its_base_class_and_implement_interfaces()
        {
            GeneratorRun run = Verify("[Optimizer] public partial class Opt : TorchSharp.Modules.OptimizerHelper, System.IComparable { public int CompareTo(object? o) => 0; }");
            Assert.Single(run.GeneratedSources);
            Assert.Empty(run.OutputErrors);
        }

        [Fact]
        public void Several_problems_are_all_reported_at_their_own_attribute()
        {
            Verify("""
                [{|ODSL0006:Optimizer(Lr = -1)|}]
                [{|ODSL0006:FirstMoment(Beta = 2)|}]
                [SecondMoment]
                [{|ODSL0004:Accumulator|}]
                [{|ODSL0006:CriticalBuffer(TopC = 0)|}]
                public partial class Many { }
                """);
        }

        [Fact]
        public void A_valid_declaration_next_to_an_invalid_one_is_still_generated()
        {
            GeneratorRun run = Verify("""
                [Optimizer] [FirstMoment] public partial class Good { }
                [Optimizer] [{|ODSL0005:AmsGrad|}] public partial class Bad { }
                """);
            (string hint, _) = Assert.Single(run.GeneratedSources);
            Assert.Equal("Good.g.cs", hint);
            Assert.Empty(run.OutputErrors);
        }

        [Fact]
        public void Every_catalogue_id_has_a_test()
        {
            string[] ids = CatalogueIds().Where(id => id != "ODSL9999").ToArray();
            Assert.NotEmpty(ids);
            string[] tested = typeof(DiagnosticTests).GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Select(m => m.Name)
                .Where(n => n.StartsWith("ODSL", StringComparison.Ordinal))
                .Select(n => n.Substring(0, 8))
                .Distinct()
                .ToArray();
            Assert.Empty(ids.Except(tested));
        }

        [Fact]
        public void Every_catalogue_id_is_documented_under_its_help_anchor()
        {
            string docs = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "DIAGNOSTICS.md"));
            var headings = new HashSet<string>(
                Regex.Matches(docs, "^## (ODSL\\d{4})\\s*$", RegexOptions.Multiline).Select(m => m.Groups[1].Value));
            string[] undocumented = CatalogueIds().Where(id => !headings.Contains(id)).ToArray();
            Assert.True(undocumented.Length == 0, "docs/DIAGNOSTICS.md lacks '## <id>' headings for: " + string.Join(", ", undocumented));
        }

        /// <summary>Sources that trigger each generator diagnostic (for comparing descriptors with the docs).</summary>
        private static readonly (string Id, string Source, TestReferences References)[] Triggers =
        {
            ("ODSL0001", "[Optimizer] public class C { }", TestReferences.All),
            ("ODSL0002", "[Optimizer] public partial class C<T> { }", TestReferences.All),
            ("ODSL0003", "public class O { [Optimizer] public partial class C { } }", TestReferences.All),
            ("ODSL0004", "[Optimizer, FirstMoment, Momentum] public partial class C { }", TestReferences.All),
            ("ODSL0005", "[Optimizer, AmsGrad] public partial class C { }", TestReferences.All),
            ("ODSL0006", "[Optimizer(Lr = -1)] public partial class C { }", TestReferences.All),
            ("ODSL0007", "namespace A { [Optimizer] public partial class C { } } namespace B { [Optimizer] public partial class C { } }", TestReferences.All),
            ("ODSL0008", "[Optimizer, Epsilon] public partial class C { }", TestReferences.All),
            ("ODSL0009", "[Optimizer, FirstMoment(Name = \"lr\")] public partial class C { }", TestReferences.All),
            ("ODSL0010", "[Optimizer] public partial class C { }", TestReferences.Dsl),
        };

        [Fact]
        public void Docs_quote_each_descriptor_title_severity_and_message()
        {
            var descriptors = new List<DiagnosticDescriptor>(new OptimDsl.Generator.Analyzers.BlockWithoutOptimizerAnalyzer().SupportedDiagnostics);
            foreach ((string id, string source, TestReferences references) in Triggers)
            {
                descriptors.Add(Assert.Single(Run(source, references).GeneratorDiagnostics.Where(d => d.Id == id).Select(d => d.Descriptor).Distinct()));
            }

            string docs = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "DIAGNOSTICS.md")).Replace("\r\n", "\n");
            var problems = new List<string>();
            foreach (DiagnosticDescriptor d in descriptors)
            {
                Match section = Regex.Match(docs, "^## " + d.Id + "\\s*\\n+\\*\\*(?<title>[^*]+)\\*\\* — (?<severity>\\w+)\\s*\\n+> (?<message>.+)$", RegexOptions.Multiline);
                if (!section.Success)
                {
                    problems.Add(d.Id + ": no '## " + d.Id + "' section with '**title** — Severity' and '> message' lines");
                    continue;
                }

                Check(d.Id + " title", d.Title.ToString(System.Globalization.CultureInfo.InvariantCulture), section.Groups["title"].Value);
                Check(d.Id + " severity", d.DefaultSeverity.ToString(), section.Groups["severity"].Value);
                Check(d.Id + " message", d.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture), section.Groups["message"].Value.TrimEnd());
                Check(d.Id + " help link", "https://github.com/optimdsl/optimdsl/blob/main/docs/DIAGNOSTICS.md#" + d.Id.ToLowerInvariant(), d.HelpLinkUri);
                Check(d.Id + " summary row", "| [" + d.Id + "](#" + d.Id.ToLowerInvariant() + ") | " + d.Title + " | " + d.DefaultSeverity + " |",
                    docs.Split('\n').FirstOrDefault(l => l.StartsWith("| [" + d.Id + "]", StringComparison.Ordinal)) is { } row ? string.Join("|", row.Split('|').Take(4)) + "|" : "(no row)");
            }

            Assert.True(problems.Count == 0, "docs/DIAGNOSTICS.md is out of date:\n" + string.Join("\n", problems));

            void Check(string what, string expected, string actual)
            {
                if (expected != actual)
                {
                    problems.Add(what + ": expected '" + expected + "', docs have '" + actual + "'");
                }
            }
        }

        /// <summary>The ids of the generator's release-tracking files (the catalogue as shipped).</summary>
        internal static IReadOnlyList<string> CatalogueIds()
        {
            string dir = Path.Combine(TestPaths.RepositoryRoot, "src", "Generator");
            return new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" }
                .Select(f => Path.Combine(dir, f))
                .Where(File.Exists)
                .SelectMany(f => Regex.Matches(File.ReadAllText(f), "^(ODSL\\d{4})\\s*\\|", RegexOptions.Multiline).Select(m => m.Groups[1].Value))
                .Distinct()
                .OrderBy(id => id, StringComparer.Ordinal)
                .ToList();
        }

        private static GeneratorRun Run(string source, TestReferences references = TestReferences.All) =>
            GeneratorHarness.Run(GeneratorHarness.CreateCompilation(new[] { GeneratorHarness.Parse("using OptimDsl;\n" + source) }, references))
                .AssertGeneratorDidNotFail();

        /// <summary>
        /// Runs the generator on the markup's source (prefixed with <c>using OptimDsl;</c>) and asserts the OptimDsl
        /// diagnostics are exactly the marked ones.
        /// </summary>
        private static GeneratorRun Verify(string markup, TestReferences references = TestReferences.All)
        {
            (string source, IReadOnlyList<MarkedSpan> marked) = SourceMarkup.Parse("using OptimDsl;\n" + markup);
            const string path = "/src/Test0.cs";
            SyntaxTree tree = GeneratorHarness.Parse(source, path);
            GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(new[] { tree }, references)).AssertGeneratorDidNotFail();

            // The test source itself must be valid C# (the generator's findings are the only problems).
            Diagnostic[] inputErrors = run.InputCompilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
            Assert.True(inputErrors.Length == 0, "The test source does not compile:\n" + GeneratorHarness.Format(inputErrors));

            Diagnostic[] reported = run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("ODSL", StringComparison.Ordinal)).ToArray();
            string Describe(string id, TextSpan span) => id + " at " + span + " '" + source.Substring(span.Start, span.Length) + "'";
            string[] expected = marked.Select(m => Describe(m.Id ?? "?", m.Span)).OrderBy(s => s, StringComparer.Ordinal).ToArray();
            string[] actual = reported
                .Select(d => Describe(marked.Any(m => m.Id is null && m.Span == d.Location.SourceSpan) ? "?" : d.Id, d.Location.SourceSpan))
                .OrderBy(s => s, StringComparer.Ordinal)
                .ToArray();
            Assert.True(
                expected.SequenceEqual(actual),
                "Expected:\n  " + string.Join("\n  ", expected) + "\nActual:\n" + GeneratorHarness.Format(reported));

            foreach (Diagnostic d in reported)
            {
                Assert.Equal(path, d.Location.GetLineSpan().Path);
                LinePositionSpan lines = tree.GetText().Lines.GetLinePositionSpan(d.Location.SourceSpan);
                Assert.Equal(lines, d.Location.GetLineSpan().Span);
                DiagnosticSeverity severity = Warnings.TryGetValue(d.Id, out DiagnosticSeverity w) ? w : DiagnosticSeverity.Error;
                Assert.True(severity == d.Severity, d.Id + " has severity " + d.Severity + ", expected " + severity);
                Assert.Equal(HelpBase + d.Id.ToLowerInvariant(), d.Descriptor.HelpLinkUri);
                Assert.Equal("OptimDsl", d.Descriptor.Category);
                Assert.True(d.Descriptor.IsEnabledByDefault);
                Assert.DoesNotContain("{", d.GetMessage(), StringComparison.Ordinal);
            }

            if (reported.Any(d => d.Severity == DiagnosticSeverity.Error) && marked.All(m => m.Id != "ODSL0007"))
            {
                // Every declaration of these sources that has an error must get no code; count declarations with errors.
                int erroneousDeclarations = reported.Where(d => d.Severity == DiagnosticSeverity.Error)
                    .Select(d => DeclarationIndexOf(tree, d.Location.SourceSpan))
                    .Distinct()
                    .Count();
                int declarations = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax>()
                    .Count(c => c.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() is "Optimizer" or "OptimizerAttribute"));
                int expectedFiles = reported.Any(d => d.Id == "ODSL0010") ? 0 : declarations - erroneousDeclarations;
                Assert.True(
                    run.GeneratedSources.Count == expectedFiles,
                    "Expected " + expectedFiles + " generated files (no code for declarations with errors), got: " + string.Join(", ", run.GeneratedSources.Select(s => s.HintName)));
            }

            return run;
        }

        // The index (in source order) of the class declaration whose attributes or identifier contain the span.
        private static int DeclarationIndexOf(SyntaxTree tree, TextSpan span)
        {
            var classes = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax>().ToList();
            for (int i = classes.Count - 1; i >= 0; i--)
            {
                var c = classes[i];
                if (c.Identifier.Span.Contains(span) || c.AttributeLists.Any(l => l.Span.Contains(span)))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
