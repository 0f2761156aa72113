using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace OptimDsl.Generator.Tests
{
    /// <summary>
    /// Fixed regression cases for what the random property (<see cref="RobustnessProperties"/>) checks: a declaration is
    /// either rejected with an ODSL error at its attributes / class name (and nothing is generated), or it is generated and
    /// the result compiles. Each case below was found by the property; each test checks one family of cases and lists
    /// every failing member of the family.
    /// </summary>
    public class EdgeCaseTests
    {
        [Fact]
        public void Optimizer_on_a_record_is_rejected_not_silently_ignored() => ExpectAll(RobustnessProperties.Kind.Rejected,
            "[Optimizer] public partial record C { }",
            "[Optimizer] public sealed partial record class C { }",
            "[Optimizer, FirstMoment, SecondMoment] public partial record C(int X);");

        [Fact]
        public void Static_optimizer_class_is_rejected() => ExpectAll(RobustnessProperties.Kind.Rejected,
            "[Optimizer] public static partial class C { }",
            "[Optimizer, Momentum] internal static partial class C { }");

        [Fact]
        public void Optimizer_with_a_base_class_of_its_own_is_rejected() => ExpectAll(RobustnessProperties.Kind.Rejected,
            "[Optimizer] public partial class C : System.Collections.Generic.List<int> { }",
            "[Optimizer, Momentum] public partial class C : System.Exception { }");

        /// <summary>Names that are valid identifiers but are used by the generated code itself (parameters, locals, members).</summary>
        [Fact]
        public void Argument_names_used_by_the_generated_code_are_rejected_or_work() => ExpectAll(
            null,
            new[]
            {
                "parameters", "options", "group", "grads", "param", "grad", "state", "d", "numerator", "denom", "index", "i",
                "defaults", "nameof", "Validate", "StateFormat", "LearningRate", "InitialLearningRate", "topC", "seed", "closure",
            }.Select(name => "[Optimizer] [SecondMoment] [FirstMoment(Name = \"" + name + "\")] [Epsilon] public partial class C { }").ToArray());

        /// <summary>
        /// Undefined enum values compile in C# but mean nothing: treating them as some other value is as wrong as emitting
        /// 'AggregationRule.7'.
        /// </summary>
        [Fact]
        public void Undefined_enum_values_are_rejected() => ExpectAll(RobustnessProperties.Kind.Rejected,
            "[Optimizer] [CriticalBuffer(Aggregation = (AggregationRule)7)] public partial class C { }",
            "[Optimizer] [CriticalBuffer(Aggregation = (AggregationRule)(-1), AggregationArgument = true)] public partial class C { }",
            "[Optimizer] [CriticalBuffer(Structure = (CriticalBufferStructure)2)] public partial class C { }",
            "[Optimizer] [CriticalBuffer(KappaUse = (KappaUse)2)] public partial class C { }",
            "[Optimizer] [CriticalBuffer(Source = (CriticalSource)2)] [FirstMoment] public partial class C { }",
            "[Optimizer] [CriticalBuffer(FirstStep = (CriticalFirstStep)2)] public partial class C { }",
            "[Optimizer] [WeightDecay(Mode = (WeightDecayMode)5)] public partial class C { }",
            "[Optimizer] [WeightDecay(Order = (WeightDecayOrder)5)] [CriticalBuffer] public partial class C { }",
            "[Optimizer] [Momentum(Input = (MomentInput)3)] public partial class C { }",
            "[Optimizer] [SecondMoment] [Epsilon(Placement = (EpsilonPlacement)9)] public partial class C { }");

        /// <summary>
        /// Generator diagnostics must carry a location in the compilation's syntax tree: only then do
        /// <c>#pragma warning disable</c> and <c>[SuppressMessage]</c> apply to them and does the IDE offer the code fixes
        /// (make partial, remove attribute) for them. A location made from a file path alone (an external-file location)
        /// is shown, but cannot be suppressed in source (checked with a real build: a #pragma around
        /// <c>[Optimizer] [Epsilon] partial class C</c> does not silence ODSL0008).
        /// </summary>
        [Fact]
        public void Generator_diagnostics_are_located_in_the_source_tree()
        {
            SyntaxTree tree = GeneratorHarness.Parse("""
                using OptimDsl;
                [Optimizer] [Epsilon] public partial class WithWarning { }
                [Optimizer] [AmsGrad] public partial class WithError { }
                [Optimizer] public class NotPartial { }
                """, "/src/Located.cs");
            GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(new[] { tree })).AssertGeneratorDidNotFail();
            Assert.Equal(3, run.GeneratorDiagnostics.Length);
            Assert.All(run.GeneratorDiagnostics, d =>
            {
                Assert.True(d.Location.IsInSource, d.Id + " has a " + d.Location.Kind + " location");
                Assert.Same(tree, d.Location.SourceTree);
            });
        }

        // Runs RobustnessProperties.Check on each source (class C); `expected` null accepts either outcome.
        private static void ExpectAll(RobustnessProperties.Kind? expected, params string[] sources)
        {
            var failures = new List<string>();
            foreach (string source in sources)
            {
                try
                {
                    RobustnessProperties.Kind kind = RobustnessProperties.Check("using OptimDsl;\n" + source, "C");
                    if (expected is not null && kind != expected)
                    {
                        failures.Add(source + "\n  => " + kind + ", expected " + expected);
                    }
                }
                catch (Exception e)
                {
                    failures.Add(source + "\n  => " + e.Message.Replace("\n", "\n     ", StringComparison.Ordinal));
                }
            }

            Assert.True(failures.Count == 0, failures.Count + " of " + sources.Length + " cases fail:\n" + string.Join("\n", failures));
        }
    }
}
