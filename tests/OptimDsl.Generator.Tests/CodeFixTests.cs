using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using OptimDsl.CodeFixes;
using Xunit;

namespace OptimDsl.Generator.Tests
{
    /// <summary>
    /// The code fixes turn a diagnosed declaration into one the generator accepts, checked by the Roslyn testing
    /// framework (<see cref="GeneratorCodeFixTest{TCodeFix}"/>): each test states the source, the generator's
    /// diagnostics with their exact spans, the exact fixed source, and the file the fixed declaration generates.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The diagnostics come from <see cref="OptimizerGenerator"/>, not from an analyzer. Microsoft.CodeAnalysis.Testing
    /// 1.1.4 runs the types returned by <c>AnalyzerTest.GetSourceGenerators()</c> whenever it builds a project's
    /// compilation (<c>GetProjectCompilationAsync</c>) and adds the generator run's diagnostics to those it verifies and
    /// offers to code fixes (<c>GetSortedDiagnosticsAsync</c>), in the test state, in every fix iteration and in the
    /// Fix All passes. So the analyzer is the framework's <c>EmptyDiagnosticAnalyzer</c> and the generator is the
    /// only source of ODSL diagnostics here.
    /// </para>
    /// <para>
    /// Fix All: <see cref="MakePartialCodeFix"/> offers the batch fixer, which the framework checks in document, project
    /// and solution scope (the <c>BatchFixedState</c> defaults to the fixed state). <see cref="RemoveAttributeCodeFix"/>
    /// offers no Fix All provider (<c>GetFixAllProvider()</c> returns null: which of two conflicting blocks to drop is
    /// a per-diagnostic choice), so the framework checks only the iterative application: several ODSL0004/ODSL0008
    /// in one file are fixed one after the other, re-running the generator in between.
    /// </para>
    /// </remarks>
    public sealed class CodeFixTests
    {
        [Fact]
        public Task MakePartial_fixes_a_non_partial_optimizer_and_its_containing_type()
        {
            var test = new GeneratorCodeFixTest<MakePartialCodeFix>
            {
                TestCode = """
                    using OptimDsl;
                    namespace App
                    {
                        public class Outer
                        {
                            [Optimizer]
                            [FirstMoment]
                            public sealed class {|#0:Mine|} { }
                        }
                    }
                    """,
                FixedCode = """
                    using OptimDsl;
                    namespace App
                    {
                        public partial class Outer
                        {
                            [Optimizer]
                            [FirstMoment]
                            public sealed partial class Mine { }
                        }
                    }
                    """,
            };
            test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerError("ODSL0001").WithLocation(0).WithArguments("Mine"));
            test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerError("ODSL0003").WithLocation(0).WithArguments("Mine", "Outer"));
            test.FixedGeneratedFiles.Add("App.Outer.Mine.g.cs");
            return test.RunAsync();
        }

        [Fact]
        public Task MakePartial_adds_partial_to_every_containing_type_level()
        {
            var test = new GeneratorCodeFixTest<MakePartialCodeFix>
            {
                TestCode = """
                    using OptimDsl;
                    public class A
                    {
                        internal struct B
                        {
                            [Optimizer, Momentum] internal partial class {|#0:C|} { }
                        }
                    }
                    """,
                FixedCode = """
                    using OptimDsl;
                    public partial class A
                    {
                        internal partial struct B
                        {
                            [Optimizer, Momentum] internal partial class C { }
                        }
                    }
                    """,
            };
            test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerError("ODSL0003").WithLocation(0).WithArguments("C", "A"));
            test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerError("ODSL0003").WithLocation(0).WithArguments("C", "B"));
            test.FixedGeneratedFiles.Add("A.B.C.g.cs");
            return test.RunAsync();
        }

        [Fact]
        public Task MakePartial_fix_all_fixes_every_optimizer_of_the_file()
        {
            var test = new GeneratorCodeFixTest<MakePartialCodeFix>
            {
                TestCode = """
                    using OptimDsl;
                    namespace App
                    {
                        [Optimizer] public class {|ODSL0001:First|} { }

                        [Optimizer, SecondMoment] internal sealed class {|ODSL0001:Second|} { }

                        public class Outer
                        {
                            [Optimizer, Momentum] public class {|#0:Third|} { }
                        }
                    }
                    """,
                FixedCode = """
                    using OptimDsl;
                    namespace App
                    {
                        [Optimizer] public partial class First { }

                        [Optimizer, SecondMoment] internal sealed partial class Second { }

                        public partial class Outer
                        {
                            [Optimizer, Momentum] public partial class Third { }
                        }
                    }
                    """,
            };
            test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerError("ODSL0001").WithLocation(0).WithArguments("Third"));
            test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerError("ODSL0003").WithLocation(0).WithArguments("Third", "Outer"));
            test.FixedGeneratedFiles.AddRange(new[] { "App.First.g.cs", "App.Second.g.cs", "App.Outer.Third.g.cs" });
            return test.RunAsync();
        }

        [Fact]
        public Task RemoveAttribute_resolves_conflicting_blocks()
        {
            var test = new GeneratorCodeFixTest<RemoveAttributeCodeFix>
            {
                TestCode = """
                    using OptimDsl;
                    [Optimizer]
                    [SecondMoment]
                    [{|ODSL0004:Accumulator|}]
                    public sealed partial class Mine { }
                    """,
                FixedCode = """
                    using OptimDsl;
                    [Optimizer]
                    [SecondMoment]
                    public sealed partial class Mine { }
                    """,
            };
            test.FixedGeneratedFiles.Add("Mine.g.cs");
            return test.RunAsync();
        }

        [Fact]
        public Task RemoveAttribute_fixes_several_conflicts_in_one_file_one_after_the_other()
        {
            var test = new GeneratorCodeFixTest<RemoveAttributeCodeFix>
            {
                TestCode = """
                    using OptimDsl;
                    [Optimizer, {|ODSL0004:FirstMoment(Beta = 0.9)|}, Momentum(Default = 0.9)]
                    public sealed partial class First { }

                    [Optimizer]
                    [{|ODSL0004:SM3|}]
                    [SecondMoment]
                    public sealed partial class Second { }

                    [Optimizer] [SecondMoment] [{|ODSL0004:Accumulator|}] public sealed partial class Third { }
                    """,
                FixedCode = """
                    using OptimDsl;
                    [Optimizer, Momentum(Default = 0.9)]
                    public sealed partial class First { }

                    [Optimizer]
                    [SecondMoment]
                    public sealed partial class Second { }

                    [Optimizer] [SecondMoment] public sealed partial class Third { }
                    """,
            };
            test.FixedGeneratedFiles.AddRange(new[] { "First.g.cs", "Second.g.cs", "Third.g.cs" });
            return test.RunAsync();
        }

        [Fact]
        public Task RemoveAttribute_drops_an_option_without_effect()
        {
            var test = new GeneratorCodeFixTest<RemoveAttributeCodeFix>
            {
                TestCode = """
                    using OptimDsl;
                    [Optimizer, {|ODSL0008:Epsilon(1e-8)|}]
                    public sealed partial class Mine { }
                    """,
                FixedCode = """
                    using OptimDsl;
                    [Optimizer]
                    public sealed partial class Mine { }
                    """,
            };
            test.FixedGeneratedFiles.Add("Mine.g.cs");
            return test.RunAsync();
        }

        [Fact]
        public Task RemoveAttribute_drops_every_option_without_effect_and_keeps_the_rest()
        {
            var test = new GeneratorCodeFixTest<RemoveAttributeCodeFix>
            {
                TestCode = """
                    using OptimDsl;
                    [Optimizer]
                    [{|ODSL0008:Epsilon|}]
                    [WeightDecay(Default = 0.1, {|ODSL0008:Order = WeightDecayOrder.AfterCriticalBuffer|})]
                    [Momentum(Default = 0.9)]
                    public sealed partial class Mine { }
                    """,
                FixedCode = """
                    using OptimDsl;
                    [Optimizer]
                    [Momentum(Default = 0.9)]
                    public sealed partial class Mine { }
                    """,
            };
            test.FixedGeneratedFiles.Add("Mine.g.cs");
            return test.RunAsync();
        }
    }
}
