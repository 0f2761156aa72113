using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace OptimDsl.Generator.Tests
{
    /// <summary>
    /// Incremental caching, in the style of NetEscapades.EnumGenerators' and Mapperly's generator tests: run the driver,
    /// change the compilation, run the same driver again and assert the run reasons of every tracked step
    /// (<see cref="TrackingNames"/>) and of the source outputs.
    /// </summary>
    public class IncrementalTests
    {
        private const string PathA = "/src/AdamA.cs";
        private const string PathB = "/src/SgdB.cs";

        private const string SourceA = """
            // Optimizer A: header comment.
            using OptimDsl;

            namespace App.A
            {
                [Optimizer(Lr = 1e-3)]
                [FirstMoment(Beta = 0.9)]
                [SecondMoment(Beta = 0.999)]
                [BiasCorrection]
                [Epsilon(1e-8)]
                public sealed partial class AdamA
                {
                    // Body comment of A.
                }
            }
            """;

        private const string SourceB = """
            using OptimDsl;

            namespace App.B
            {
                [Optimizer(Lr = 0.1)]
                [Momentum(Default = 0.9, Nesterov = true)]
                [WeightDecay(Default = 1e-4)]
                public partial class SgdB
                {
                }
            }
            """;

        /// <summary>Every tracking name the generator declares.</summary>
        public static IReadOnlyList<string> TrackingNameValues { get; } = typeof(TrackingNames)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

        [Fact]
        public void Every_tracking_name_is_used_by_a_step()
        {
            GeneratorRun run = RunBoth();
            Assert.NotEmpty(TrackingNameValues);
            Assert.Empty(TrackingNameValues.Except(run.Result.TrackedSteps.Keys));
        }

        [Fact]
        public void Rerun_on_a_clone_is_fully_cached()
        {
            CSharpCompilation compilation = Compilation();
            GeneratorRun first = GeneratorHarness.Run(compilation).AssertGeneratorDidNotFail();
            GeneratorRun second = GeneratorHarness.Rerun(first.Driver, compilation.Clone()).AssertGeneratorDidNotFail();

            foreach (string name in TrackingNameValues)
            {
                ImmutableArray<IncrementalGeneratorRunStep> before = first.Result.TrackedSteps[name];
                ImmutableArray<IncrementalGeneratorRunStep> after = second.Result.TrackedSteps[name];
                Assert.Equal(before.Length, after.Length);
                for (int i = 0; i < before.Length; i++)
                {
                    // Same values (value equality of the models) ...
                    Assert.Equal(before[i].Outputs.Select(o => o.Value), after[i].Outputs.Select(o => o.Value));
                }

                // ... and nothing recomputed into something new.
                AssertReasons(second, name, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
            }

            AssertAllOutputsCached(second);
            Assert.Equal(first.GeneratedSources, second.GeneratedSources);
        }

        [Fact]
        public void Adding_an_unrelated_file_regenerates_nothing()
        {
            CSharpCompilation compilation = Compilation();
            GeneratorRun first = GeneratorHarness.Run(compilation).AssertGeneratorDidNotFail();
            CSharpCompilation changed = compilation.AddSyntaxTrees(GeneratorHarness.Parse(
                "namespace App { public class Unrelated { public int Value { get; set; } } }", "/src/Unrelated.cs"));
            GeneratorRun second = GeneratorHarness.Rerun(first.Driver, changed).AssertGeneratorDidNotFail();

            foreach (string name in new[] { TrackingNames.Parse, TrackingNames.Validate, TrackingNames.Plan, TrackingNames.Diagnostics, TrackingNames.Names })
            {
                AssertReasons(second, name, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
            }

            AssertAllOutputsCached(second);
            Assert.Equal(first.GeneratedSources, second.GeneratedSources);
        }

        [Fact]
        public void Editing_a_comment_inside_the_class_body_keeps_the_plan()
        {
            CSharpCompilation compilation = Compilation();
            GeneratorRun first = GeneratorHarness.Run(compilation).AssertGeneratorDidNotFail();
            GeneratorRun second = GeneratorHarness.Rerun(first.Driver, Replace(compilation, PathA, "// Body comment of A.", "// Body comment of A, edited at length."))
                .AssertGeneratorDidNotFail();

            // The parsed model may change (it may keep the edited tree for its diagnostics' locations); the plan must not.
            AssertReasons(second, TrackingNames.Plan, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
            AssertReasons(EmitSteps(second), IncrementalStepRunReason.Cached);
            Assert.Equal(first.GeneratedSources, second.GeneratedSources);
        }

        /// <summary>
        /// A comment above the declaration moves every attribute: the locations in the parsed model change (the diagnostics
        /// output may re-run), but the plan must compare equal so no source is re-emitted (cf. dotnet/runtime#92509).
        /// </summary>
        [Fact]
        public void Editing_a_comment_that_moves_the_declaration_keeps_the_plan_and_the_source()
        {
            CSharpCompilation compilation = Compilation();
            GeneratorRun first = GeneratorHarness.Run(compilation).AssertGeneratorDidNotFail();
            GeneratorRun second = GeneratorHarness.Rerun(first.Driver, Replace(compilation, PathA, "// Optimizer A: header comment.", "// Optimizer A: a longer header comment,\n// now on two lines."))
                .AssertGeneratorDidNotFail();

            AssertReasons(second, TrackingNames.Plan, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
            AssertReasons(EmitSteps(second), IncrementalStepRunReason.Cached);
            Assert.Equal(first.GeneratedSources, second.GeneratedSources);
        }

        [Fact]
        public void Changing_an_attribute_value_replans_and_re_emits_only_that_optimizer()
        {
            CSharpCompilation compilation = Compilation();
            GeneratorRun first = GeneratorHarness.Run(compilation).AssertGeneratorDidNotFail();

            // Same length, so no location moves: only the value differs.
            GeneratorRun second = GeneratorHarness.Rerun(first.Driver, Replace(compilation, PathA, "[FirstMoment(Beta = 0.9)]", "[FirstMoment(Beta = 0.8)]"))
                .AssertGeneratorDidNotFail();

            var plans = second.Result.TrackedSteps[TrackingNames.Plan].SelectMany(s => s.Outputs).ToList();
            Assert.Equal(2, plans.Count);
            Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(plans, o => Describes(o.Value, "AdamA")).Reason);
            Assert.Equal(IncrementalStepRunReason.Cached, Assert.Single(plans, o => Describes(o.Value, "SgdB")).Reason);

            var emitted = EmitSteps(second).SelectMany(s => s.Outputs).ToList();
            Assert.Equal(1, emitted.Count(o => o.Reason == IncrementalStepRunReason.Modified));
            Assert.Equal(1, emitted.Count(o => o.Reason == IncrementalStepRunReason.Cached));

            var before = first.GeneratedSources.ToDictionary(s => s.HintName, s => s.Source);
            var after = second.GeneratedSources.ToDictionary(s => s.HintName, s => s.Source);
            Assert.Equal(before["App.B.SgdB.g.cs"], after["App.B.SgdB.g.cs"]);
            Assert.NotEqual(before["App.A.AdamA.g.cs"], after["App.A.AdamA.g.cs"]);
            Assert.Contains("double beta1 = 0.8", after["App.A.AdamA.g.cs"], StringComparison.Ordinal);
        }

        [Fact]
        public void Adding_an_optimizer_emits_only_the_new_one()
        {
            CSharpCompilation compilation = Compilation();
            GeneratorRun first = GeneratorHarness.Run(compilation).AssertGeneratorDidNotFail();
            GeneratorRun second = GeneratorHarness.Rerun(first.Driver, compilation.AddSyntaxTrees(GeneratorHarness.Parse(
                "using OptimDsl; namespace App.C { [Optimizer, Accumulator, Epsilon] public partial class AdagradC { } }", "/src/AdagradC.cs")))
                .AssertGeneratorDidNotFail();

            var emitted = EmitSteps(second).SelectMany(s => s.Outputs).ToList();
            Assert.Equal(2, emitted.Count(o => o.Reason == IncrementalStepRunReason.Cached));
            Assert.Equal(1, emitted.Count(o => o.Reason == IncrementalStepRunReason.New));
            Assert.Equal(3, second.GeneratedSources.Count);
        }

        [Fact]
        public void Tracked_step_outputs_hold_no_symbols_syntax_or_compilations()
        {
            // One declaration per kind of result: valid, warning, error, plus the compilation-wide steps.
            CSharpCompilation compilation = Compilation().AddSyntaxTrees(GeneratorHarness.Parse("""
                using OptimDsl;
                [Optimizer] [Epsilon] public partial class WithWarning { }
                [Optimizer] [AmsGrad] public partial class WithError { }
                [Optimizer] public class NotPartial { }
                [Optimizer] [CriticalBuffer(Structure = CriticalBufferStructure.Heap, AggregationArgument = true)] [Momentum] public partial class Critical { }
                """, "/src/More.cs"));
            GeneratorRun run = GeneratorHarness.Run(compilation).AssertGeneratorDidNotFail();

            // The generator's own steps (TrackingNames). Output steps ("SourceOutput") legitimately carry the reported
            // Diagnostics and generated texts: they are not cached models.
            int checkedValues = 0;
            foreach (KeyValuePair<string, ImmutableArray<IncrementalGeneratorRunStep>> step in run.Result.TrackedSteps.Where(s => TrackingNameValues.Contains(s.Key)))
            {
                foreach (IncrementalGeneratorRunStep execution in step.Value)
                {
                    foreach ((object value, IncrementalStepRunReason _) in execution.Outputs)
                    {
                        bool locationsMayKeepTheirTree = step.Key is not (TrackingNames.Plan or TrackingNames.Compilation);
                        ObjectGraph.AssertHoldsNoCompilationData(value, step.Key, locationsMayKeepTheirTree);
                        checkedValues++;
                    }
                }
            }

            Assert.True(checkedValues >= 6 * 2, "expected outputs of every step, checked " + checkedValues);
        }

        [Fact]
        public void The_object_graph_walker_finds_forbidden_objects()
        {
            CSharpCompilation compilation = Compilation();
            SyntaxNode node = compilation.SyntaxTrees.First().GetRoot();
            var nested = new { Name = "x", Items = new List<object> { 1, new[] { (object)("y", new Dictionary<string, object> { ["k"] = node }) } } };
            Assert.ThrowsAny<Exception>(() => ObjectGraph.AssertHoldsNoCompilationData(nested, "test"));
            Assert.ThrowsAny<Exception>(() => ObjectGraph.AssertHoldsNoCompilationData(ImmutableArray.Create<object>(compilation), "test"));
            Assert.ThrowsAny<Exception>(() => ObjectGraph.AssertHoldsNoCompilationData(node.GetLocation(), "test"));

            var cyclic = new List<object>();
            cyclic.Add(cyclic);
            cyclic.Add("fine");
            ObjectGraph.AssertHoldsNoCompilationData(cyclic, "test");

            // A tree is tolerated only as the Tree of a LocationInfo, and only where allowed.
            var location = new { Location = new LocationInfo("x", node.SyntaxTree) };
            ObjectGraph.AssertHoldsNoCompilationData(location, "test", allowSourceTrees: true);
            Assert.ThrowsAny<Exception>(() => ObjectGraph.AssertHoldsNoCompilationData(location, "test"));
            Assert.ThrowsAny<Exception>(() => ObjectGraph.AssertHoldsNoCompilationData(new { Tree = node.SyntaxTree }, "test", allowSourceTrees: true));
        }

        // Stands in for the generator's LocationInfo in the walker's own test.
        private sealed record LocationInfo(string FilePath, SyntaxTree Tree);

        private static CSharpCompilation Compilation() =>
            GeneratorHarness.CreateCompilation(new[] { GeneratorHarness.Parse(SourceA, PathA), GeneratorHarness.Parse(SourceB, PathB) });

        private static GeneratorRun RunBoth() => GeneratorHarness.Run(Compilation()).AssertGeneratorDidNotFail();

        private static CSharpCompilation Replace(CSharpCompilation compilation, string path, string oldText, string newText)
        {
            SyntaxTree tree = compilation.SyntaxTrees.Single(t => t.FilePath == path);
            string text = tree.GetText().ToString();
            Assert.Contains(oldText, text, StringComparison.Ordinal);
            return compilation.ReplaceSyntaxTree(tree, GeneratorHarness.Parse(text.Replace(oldText, newText, StringComparison.Ordinal), path));
        }

        // A model's printed form (records print their members) names its optimizer type.
        private static bool Describes(object value, string typeName) =>
            value.ToString()!.Contains("Name = " + typeName + ",", StringComparison.Ordinal);

        /// <summary>The source-output executions fed by the Plan step (i.e. the ones that emit code).</summary>
        private static IEnumerable<IncrementalGeneratorRunStep> EmitSteps(GeneratorRun run) =>
            run.Result.TrackedOutputSteps.SelectMany(kv => kv.Value).Where(s => IsDownstreamOf(s, TrackingNames.Plan));

        private static bool IsDownstreamOf(IncrementalGeneratorRunStep step, string name) =>
            step.Name == name || step.Inputs.Any(i => IsDownstreamOf(i.Source, name));

        private static void AssertAllOutputsCached(GeneratorRun run)
        {
            Assert.NotEmpty(run.Result.TrackedOutputSteps);
            AssertReasons(run.Result.TrackedOutputSteps.SelectMany(kv => kv.Value), IncrementalStepRunReason.Cached);
        }

        private static void AssertReasons(GeneratorRun run, string stepName, params IncrementalStepRunReason[] allowed)
        {
            Assert.True(run.Result.TrackedSteps.ContainsKey(stepName), "step " + stepName + " was not tracked");
            AssertReasons(run.Result.TrackedSteps[stepName], allowed, stepName);
        }

        private static void AssertReasons(IEnumerable<IncrementalGeneratorRunStep> steps, params IncrementalStepRunReason[] allowed) =>
            AssertReasons(steps, allowed, "output");

        private static void AssertReasons(IEnumerable<IncrementalGeneratorRunStep> steps, IncrementalStepRunReason[] allowed, string what)
        {
            var outputs = steps.SelectMany(s => s.Outputs.Select(o => (s.Name, o.Reason, o.Value))).ToList();
            Assert.NotEmpty(outputs);
            var wrong = outputs.Where(o => !allowed.Contains(o.Reason)).ToList();
            Assert.True(
                wrong.Count == 0,
                what + ": expected only " + string.Join("/", allowed) + ", got:\n" +
                string.Join("\n", wrong.Select(o => "  " + (o.Name ?? "(output)") + " " + o.Reason + ": " + Truncate(o.Value?.ToString()))));
        }

        private static string Truncate(string? text) => text is null ? "null" : text.Length > 300 ? text.Substring(0, 300) + "..." : text;
    }
}
