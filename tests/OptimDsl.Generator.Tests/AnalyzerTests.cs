using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using OptimDsl.Generator.Analyzers;
using Xunit;

namespace OptimDsl.Generator.Tests
{
    /// <summary>
    /// ODSL0011 from <see cref="BlockWithoutOptimizerAnalyzer"/>, checked by the Roslyn testing framework
    /// (<see cref="BlockAnalyzerTest"/>): the exact spans, nothing else (the generator runs too and must stay silent and
    /// generate nothing for such classes), plus the framework's own check that a <c>#pragma warning disable ODSL0011</c>
    /// at the top of the file silences the analyzer.
    /// </summary>
    public sealed class AnalyzerTests
    {
        [Theory]
        [InlineData("[{|ODSL0011:FirstMoment|}] public partial class NotAnOptimizer { }")]
        [InlineData("[{|ODSL0011:SecondMoment(Beta = 0.99)|}] [{|ODSL0011:Epsilon|}] public class NotAnOptimizer { }")]
        [InlineData("[{|ODSL0011:Momentum|}, {|ODSL0011:WeightDecay(Default = 0.01)|}, {|ODSL0011:LrDecay|}] internal sealed class Several { }")]
        [InlineData("public partial class Outer { [{|ODSL0011:CriticalBuffer|}] private sealed class Nested { } }")]
        [InlineData("[{|ODSL0011:FirstMoment|}] public record NotAnOptimizer(int X);")]
        public Task ODSL0011_block_without_optimizer_is_reported_at_each_block(string markup) =>
            new BlockAnalyzerTest { TestCode = "using OptimDsl;\n" + markup }.RunAsync();

        [Fact]
        public Task ODSL0011_message_names_the_block_and_the_class()
        {
            var test = new BlockAnalyzerTest { TestCode = "using OptimDsl;\n[{|#0:AmsGrad|}] public class Plain { }" };
            test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerWarning("ODSL0011").WithLocation(0).WithArguments("AmsGrad", "Plain"));
            return test.RunAsync();
        }

        [Fact]
        public Task ODSL0011_is_not_reported_on_optimizers()
        {
            var test = new BlockAnalyzerTest
            {
                TestCode = """
                    using OptimDsl;
                    [Optimizer, FirstMoment, SecondMoment] public partial class Opt { }
                    [Optimizer] [Momentum(Default = 0.9)] [WeightDecay] public sealed partial class Sgd { }
                    """,
            };
            test.ExpectedGeneratedFiles.AddRange(new[] { "Opt.g.cs", "Sgd.g.cs" });
            return test.RunAsync();
        }

        [Fact]
        public Task ODSL0011_is_not_reported_without_blocks() =>
            new BlockAnalyzerTest { TestCode = "using OptimDsl;\n[System.Obsolete] public class Documented { }\npublic class Plain { }" }.RunAsync();
    }
}
