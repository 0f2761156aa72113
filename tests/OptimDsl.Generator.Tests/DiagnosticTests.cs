using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace OptimDsl.Generator.Tests
{
    /// <summary>
    /// One test (or theory) per diagnostic of the catalogue that source can trigger, run by the Roslyn testing
    /// framework (<see cref="GeneratorTest"/>, a <c>CSharpSourceGeneratorTest</c> of <see cref="OptimizerGenerator"/>).
    /// Each states the exact set of diagnostics by id and span (markup <c>{|ODSLxxxx:text|}</c>, or
    /// <c>{|#0:text|}</c> plus a <see cref="DiagnosticResult"/> where the message arguments matter) and the files the
    /// generator must produce (none for a declaration with an error); the framework also fails on compiler errors in
    /// the test source or the generated code, and <see cref="RoslynTesting"/> checks each diagnostic's severity, help
    /// link and category. Moving a diagnostic (e.g. to the offending named argument) only means moving the markup.
    /// Test methods are named after the id they cover (checked by <see cref="Every_catalogue_id_has_a_test"/>; ODSL0011
    /// comes from the analyzer and is covered by <see cref="AnalyzerTests"/>).
    /// </summary>
    public class DiagnosticTests
    {
        [Theory]
        [InlineData("[Optimizer] public class {|ODSL0001:Plain|} { }")]
        [InlineData("[Optimizer] internal sealed class {|ODSL0001:Plain|} { }")]
        [InlineData("[Optimizer, FirstMoment] public abstract class {|ODSL0001:Plain|} { }")]
        public Task ODSL0001_optimizer_class_must_be_partial(string markup) => VerifyAsync(markup);

        [Theory]
        [InlineData("[Optimizer] public partial class {|ODSL0002:Generic|}<T> { }")]
        [InlineData("[Optimizer] public partial class {|ODSL0002:Generic|}<TKey, TValue> where TKey : class { }")]
        [InlineData("public partial class Outer<T> { [Optimizer] public partial class {|ODSL0002:Inner|} { } }")]
        public Task ODSL0002_optimizer_class_must_not_be_generic(string markup) => VerifyAsync(markup);

        [Theory]
        [InlineData("public class Outer { [Optimizer] public partial class {|ODSL0003:Inner|} { } }")]
        [InlineData("public static class Outer { [Optimizer] internal partial class {|ODSL0003:Inner|} { } }")]
        [InlineData("public partial class A { internal struct B { [Optimizer] internal partial class {|ODSL0003:C|} { } } }")]
        [InlineData("public record R { [Optimizer] public partial class {|ODSL0003:Inner|} { } }")]
        public Task ODSL0003_containing_type_must_be_partial(string markup) => VerifyAsync(markup);

        [Fact]
        public Task ODSL0003_is_reported_once_per_non_partial_containing_type()
        {
            var test = Test("public class A { public class B { [Optimizer] public partial class {|#0:C|} { } } }");
            test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerError("ODSL0003").WithLocation(0).WithArguments("C", "A"));
            test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerError("ODSL0003").WithLocation(0).WithArguments("C", "B"));
            return test.RunAsync();
        }

        [Theory]
        [InlineData("[Optimizer, {|ODSL0004:FirstMoment(Beta = 0.9)|}, Momentum(Default = 0.9)] public partial class Both { }")]
        [InlineData("[Optimizer] [SecondMoment] [{|ODSL0004:Accumulator|}] public partial class Both { }")]
        [InlineData("[Optimizer] [{|ODSL0004:SM3|}] [SecondMoment] public partial class Both { }")]
        [InlineData("[Optimizer] [{|ODSL0004:SecondMoment|}] [Adafactor] public partial class Both { }")]
        [InlineData("[Optimizer] [CriticalBuffer(Structure = CriticalBufferStructure.Heap, {|ODSL0004:RandomReplacement = true|})] public partial class Both { }")]
        public Task ODSL0004_conflicting_blocks(string markup) => VerifyAsync(markup);

        [Theory]
        [InlineData("[Optimizer] [{|ODSL0005:AmsGrad|}] public partial class Missing { }")]
        [InlineData("[Optimizer] [FirstMoment] [{|ODSL0005:AmsGrad|}] public partial class Missing { }")]
        [InlineData("[Optimizer] [CriticalBuffer({|ODSL0005:Source = CriticalSource.Momentum|})] public partial class Missing { }")]
        [InlineData("[Optimizer] [FirstMoment(Input = MomentInput.Preconditioned)] [SecondMoment] [CriticalBuffer({|ODSL0005:Source = CriticalSource.Momentum|})] public partial class Missing { }")]
        [InlineData("[Optimizer] [{|ODSL0005:BiasCorrection|}] [Momentum(Default = 0.9)] public partial class Missing { }")]
        [InlineData("[Optimizer] [FirstMoment] [CriticalBuffer(Source = CriticalSource.Momentum, {|ODSL0005:FeedsSecondMoment = true|})] public partial class Missing { }")]
        [InlineData("[Optimizer] [SecondMoment] [FirstMoment] [CriticalBuffer(TopC = 2, {|ODSL0005:FeedsSecondMoment = true|})] public partial class Missing { }")]
        public Task ODSL0005_missing_required_block(string markup) => VerifyAsync(markup);

        [Theory]
        [InlineData("[Optimizer({|ODSL0006:Lr = -1|})] public partial class Bad { }")]
        [InlineData("[Optimizer({|ODSL0006:Lr = double.NaN|})] public partial class Bad { }")]
        [InlineData("[Optimizer] [FirstMoment({|ODSL0006:Beta = 1.5|})] public partial class Bad { }")]
        [InlineData("[Optimizer] [FirstMoment({|ODSL0006:Beta = 1|})] public partial class Bad { }")]
        [InlineData("[Optimizer] [SecondMoment({|ODSL0006:Beta = -0.1|})] public partial class Bad { }")]
        [InlineData("[Optimizer] [CriticalBuffer({|ODSL0006:TopC = 0|})] public partial class Bad { }")]
        [InlineData("[Optimizer] [CriticalBuffer({|ODSL0006:Decay = 0|})] public partial class Bad { }")]
        [InlineData("[Optimizer] [CriticalBuffer({|ODSL0006:MaxAge = -1|})] public partial class Bad { }")]
        [InlineData("[Optimizer] [CriticalBuffer({|ODSL0006:Kappa = 0|}, KappaUse = KappaUse.Switch)] public partial class Bad { }")]
        [InlineData("[Optimizer] [SecondMoment] [Epsilon({|ODSL0006:-1|})] public partial class Bad { }")]
        [InlineData("[Optimizer] [WeightDecay({|ODSL0006:Default = -0.01|})] public partial class Bad { }")]
        [InlineData("[Optimizer] [Momentum({|ODSL0006:Nesterov = true|})] public partial class Bad { }")]
        [InlineData("[Optimizer] [Momentum({|ODSL0006:Default = 1|})] public partial class Bad { }")]
        [InlineData("[Optimizer] [Adafactor({|ODSL0006:WarmupInit = true|}, RelativeStep = false)] public partial class Bad { }")]
        [InlineData("[Optimizer] [Adafactor({|ODSL0006:DecayRate = 0.5|})] public partial class Bad { }")]
        [InlineData("[Optimizer] [LrDecay({|ODSL0006:Default = -1|})] public partial class Bad { }")]
        [InlineData("[Optimizer] [Accumulator({|ODSL0006:InitialValue = -1|})] public partial class Bad { }")]
        [InlineData("[Optimizer] [Epsilon({|ODSL0006:@default: -1|})] [SecondMoment] public partial class Bad { }")]
        [InlineData("[Optimizer] [SM3({|ODSL0006:Beta = 1|})] public partial class Bad { }")]
        [InlineData("[Optimizer] [CriticalBuffer({|ODSL0006:Kappa = -1|})] public partial class Bad { }")]
        [InlineData("[Optimizer] [Adafactor(Eps2 = 0.01, {|ODSL0006:ClipThreshold = 0|})] public partial class Bad { }")]
        [InlineData("[Optimizer({|ODSL0006:Lr = -1|})] [Adafactor] public partial class Bad { }")]
        [InlineData("[Optimizer] [WeightDecay(Default = 0.1, {|ODSL0006:Mode = (WeightDecayMode)7|})] public partial class Bad { }")]
        [InlineData("[Optimizer] [CriticalBuffer(TopC = 3, {|ODSL0006:Aggregation = (AggregationRule)9|})] public partial class Bad { }")]
        public Task ODSL0006_value_out_of_range(string markup) => VerifyAsync(markup);

        [Fact]
        public Task ODSL0006_and_ODSL0008_on_the_same_argument_share_its_span()
        {
            var test = Test("[Optimizer] [SecondMoment] [Momentum(Default = 0.5, {|#0:Dampening = 2|}, Input = MomentInput.Preconditioned)] public partial class Bad { }");
            test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerError("ODSL0006").WithLocation(0)
                .WithMessage("Momentum.Dampening = 2 is out of range: allowed range [0, 1]"));
            test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerWarning("ODSL0008").WithLocation(0).WithArguments("Momentum.Nesterov/Dampening",
                "momentum of the preconditioned update has neither dampening nor Nesterov arguments"));
            return test.RunAsync();
        }

        [Fact]
        public Task ODSL0006_messages_state_the_roles_interval_at_the_argument()
        {
            var test = Test("""
                [Optimizer]
                [CriticalBuffer({|#0:TopC = 0|}, {|#1:MaxAge = -1|}, {|#2:Decay = 1.5|})]
                [Adafactor({|#3:DecayRate = 0.5|})]
                public partial class Bad { }
                """);
            test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerError("ODSL0006").WithLocation(0).WithMessage("CriticalBuffer.TopC = 0 is out of range: allowed range [1, ∞)"));
            test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerError("ODSL0006").WithLocation(1).WithMessage("CriticalBuffer.MaxAge = -1 is out of range: allowed range [0, ∞)"));
            test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerError("ODSL0006").WithLocation(2).WithMessage("CriticalBuffer.Decay = 1.5 is out of range: allowed range (0, 1]"));
            test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerError("ODSL0006").WithLocation(3).WithMessage("Adafactor.DecayRate = 0.5 is out of range: allowed range (-∞, 0]"));
            return test.RunAsync();
        }

        [Fact]
        public Task ODSL0006_message_names_the_value_and_the_allowed_range()
        {
            var test = Test("[Optimizer] [FirstMoment({|#0:Beta = 1.5|})] public partial class Bad { }");
            test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerError("ODSL0006").WithLocation(0)
                .WithMessage("FirstMoment.Beta = 1.5 is out of range: allowed range [0, 1)"));
            return test.RunAsync();
        }

        [Fact]
        public Task ODSL0007_duplicate_names_warn_at_each_declaration_and_still_generate() =>
            VerifyAsync(
                """
                namespace First
                {
                    [{|ODSL0007:Optimizer|}] [FirstMoment] public partial class Twin { }
                }

                namespace Second
                {
                    [{|ODSL0007:Optimizer(Lr = 0.1)|}] [Momentum] public partial class Twin { }
                }
                """,
                generated: new[] { "First.Twin", "Second.Twin" });

        [Fact]
        public Task ODSL0007_nested_types_of_the_same_name_also_collide() =>
            VerifyAsync(
                """
                public partial class A { [{|ODSL0007:Optimizer|}] public partial class Opt { } }
                public partial class B { [{|ODSL0007:Optimizer|}] public partial class Opt { } }
                """,
                generated: new[] { "A.Opt", "B.Opt" });

        [Theory]
        [InlineData("[Optimizer] [{|ODSL0008:Epsilon|}] public partial class Ignored { }")]
        [InlineData("[Optimizer] [FirstMoment] [{|ODSL0008:Epsilon(1e-6)|}] public partial class Ignored { }")]
        [InlineData("[Optimizer] [WeightDecay(Default = 0.1, {|ODSL0008:Order = WeightDecayOrder.AfterCriticalBuffer|})] public partial class Ignored { }")]
        [InlineData("[Optimizer] [CriticalBuffer] [WeightDecay(Mode = WeightDecayMode.Decoupled, {|ODSL0008:Order = WeightDecayOrder.AfterCriticalBuffer|})] public partial class Ignored { }")]
        [InlineData("[Optimizer] [CriticalBuffer({|ODSL0008:SeedWithGradient = true|})] public partial class Ignored { }")]
        [InlineData("[Optimizer] [CriticalBuffer({|ODSL0008:Sum = CriticalSum.Recompute|})] public partial class Ignored { }")]
        [InlineData("[Optimizer] [SecondMoment] [Momentum(Default = 0.5, {|ODSL0008:Dampening = 0.5|}, Input = MomentInput.Preconditioned)] public partial class Ignored { }")]
        [InlineData("[Optimizer] [SecondMoment({|ODSL0008:CenteredDefault = true|})] public partial class Ignored { }")]
        [InlineData("[Optimizer] [SecondMoment] [Momentum(Default = 0.5, {|ODSL0008:Nesterov = true|}, Input = MomentInput.Preconditioned)] public partial class Ignored { }")]
        [InlineData("[Optimizer] [CriticalBuffer(Decay = 0.5, {|ODSL0008:SeedWithGradient = true|}, TopC = 4)] public partial class Ignored { }")]
        public Task ODSL0008_option_ignored_is_a_warning_and_code_is_still_generated(string markup) =>
            VerifyAsync(markup, generated: new[] { "Ignored" });

        [Theory]
        [InlineData("[Optimizer] [FirstMoment({|ODSL0009:Name = \"beta2\"|})] [SecondMoment] public partial class Names { }")]
        [InlineData("[Optimizer] [FirstMoment({|ODSL0009:Name = \"class\"|})] public partial class Names { }")]
        [InlineData("[Optimizer] [FirstMoment({|ODSL0009:Name = \"my beta\"|})] public partial class Names { }")]
        [InlineData("[Optimizer] [FirstMoment({|ODSL0009:Name = \"\"|})] public partial class Names { }")]
        [InlineData("[Optimizer] [SecondMoment({|ODSL0009:Name = \"lr\"|})] public partial class Names { }")]
        [InlineData("[Optimizer] [SecondMoment({|ODSL0009:Name = \"weight_decay\"|})] [WeightDecay] public partial class Names { }")]
        [InlineData("[Optimizer] [FirstMoment({|ODSL0009:Name = \"eps\"|})] [SecondMoment] [Epsilon] public partial class Names { }")]
        [InlineData("[Optimizer] [FirstMoment(Beta = 0.8, {|ODSL0009:Name = \"maximize\"|})] [Maximize] public partial class Names { }")]
        [InlineData("[Optimizer] [FirstMoment({|ODSL0009:Name = \"__grad\"|})] public partial class Names { }")]
        [InlineData("[Optimizer] [SecondMoment({|ODSL0009:Name = \"_beta\"|})] public partial class Names { }")]
        [InlineData("[Optimizer] [FirstMoment({|ODSL0009:Name = \"parameters\"|})] public partial class Names { }")]
        [InlineData("[Optimizer] [SecondMoment({|ODSL0009:Name = \"UpdateSingle\"|})] public partial class Names { }")]
        public Task ODSL0009_invalid_or_duplicate_argument_name(string markup) => VerifyAsync(markup);

        [Fact]
        public Task ODSL0009_a_name_with_the_reserved_prefix_is_reported_at_its_name_argument()
        {
            var test = Test("[Optimizer] [FirstMoment({|#0:Name = \"__numerator\"|})] [SecondMoment] public partial class Names { }");
            test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerError("ODSL0009").WithLocation(0)
                .WithMessage("'__numerator' cannot be used as a generated argument name: names starting with '_' are reserved for the generated code's own identifiers"));
            return test.RunAsync();
        }

        [Fact]
        public Task ODSL0009_a_name_the_generated_optimizer_uses_is_reported_at_its_name_argument()
        {
            var test = Test("[Optimizer] [FirstMoment] [SecondMoment({|#0:Name = \"fused\"|})] public partial class Names { }");
            test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerError("ODSL0009").WithLocation(0)
                .WithMessage("'fused' cannot be used as a generated argument name: the generated optimizer already uses this name (a member, or a parameter next to the arguments)"));
            return test.RunAsync();
        }

        [Fact]
        public Task ODSL0010_torchsharp_missing_is_reported_once_at_the_first_declaration() =>
            VerifyAsync(
                """
                [{|ODSL0010:Optimizer|}] [FirstMoment] public partial class First { }
                [Optimizer] [Momentum] public partial class Second { }
                """,
                TestReferences.Dsl);

        [Fact]
        public Task ODSL0010_is_not_reported_without_declarations() =>
            new GeneratorTest(TestReferences.Dsl) { TestCode = "public class Unrelated { }" }.RunAsync();

        [Theory]
        [InlineData("[Optimizer] public partial record {|ODSL0012:Rec|} { }")]
        [InlineData("[Optimizer] public sealed partial record class {|ODSL0012:Rec|}(int X);")]
        [InlineData("[Optimizer] public static partial class {|ODSL0012:Stat|} { }")]
        [InlineData("[Optimizer] public partial class {|ODSL0012:Derived|} : System.Collections.Generic.List<int> { }")]
        public Task ODSL0012_optimizer_must_be_a_plain_class(string markup) => VerifyAsync(markup);

        [Fact]
        public Task An_optimizer_may_restate_its_base_class_and_implement_interfaces() =>
            VerifyAsync(
                "[Optimizer] public partial class Opt : TorchSharp.Modules.OptimizerHelper, System.IComparable { public int CompareTo(object? o) => 0; }",
                generated: new[] { "Opt" });

        [Fact]
        public Task Several_problems_are_all_reported_at_their_own_argument_or_attribute() =>
            VerifyAsync("""
                [Optimizer({|ODSL0006:Lr = -1|})]
                [FirstMoment({|ODSL0006:Beta = 2|})]
                [SecondMoment]
                [{|ODSL0004:Accumulator|}]
                [CriticalBuffer(Decay = 0.5, {|ODSL0006:TopC = 0|})]
                public partial class Many { }
                """);

        [Fact]
        public Task A_valid_declaration_next_to_an_invalid_one_is_still_generated() =>
            VerifyAsync(
                """
                [Optimizer] [FirstMoment] public partial class Good { }
                [Optimizer] [{|ODSL0005:AmsGrad|}] public partial class Bad { }
                """,
                generated: new[] { "Good" });

        [Fact]
        public Task A_diagnostic_in_a_second_file_is_located_in_that_file()
        {
            var test = Test("[Optimizer] [FirstMoment] public partial class Good { }");
            test.TestState.Sources.Add(("/0/Other.cs", "using OptimDsl;\n[Optimizer] public class {|ODSL0001:Plain|} { }\n"));
            test.ExpectedGeneratedFiles.Add("Good.g.cs");
            return test.RunAsync();
        }

        [Fact]
        public void Every_catalogue_id_has_a_test()
        {
            string[] ids = CatalogueIds().Where(id => id != "ODSL9999").ToArray();
            Assert.NotEmpty(ids);
            string[] tested = new[] { typeof(DiagnosticTests), typeof(AnalyzerTests) }
                .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance))
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

        /// <summary>A generator test of the markup's source, prefixed with <c>using OptimDsl;</c>.</summary>
        private static GeneratorTest Test(string markup, TestReferences references = TestReferences.All) =>
            new(references) { TestCode = "using OptimDsl;\n" + markup };

        /// <summary>
        /// Runs the generator on the markup's source (prefixed with <c>using OptimDsl;</c>) and verifies that the
        /// diagnostics are exactly the marked ones and that the generated files are exactly those of the
        /// <paramref name="generated"/> types (hint names without <c>.g.cs</c>; none by default).
        /// </summary>
        private static Task VerifyAsync(string markup, TestReferences references = TestReferences.All, string[]? generated = null)
        {
            GeneratorTest test = Test(markup, references);
            test.ExpectedGeneratedFiles.AddRange(RoslynTesting.HintNames(generated ?? Array.Empty<string>()));
            return test.RunAsync();
        }
    }
}
