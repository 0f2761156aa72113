using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;
using Xunit;

namespace OptimDsl.Generator.Tests
{
    /// <summary>
    /// TorchSharp 0.107's <c>Scalar</c> owns a native handle that its finalizer frees. A Scalar created on the fly by an
    /// implicit conversion (<c>t.mul_(0.5)</c>, <c>t.add(x, alpha: 2.0)</c>, <c>full(shape, value)</c>, <c>t.div(count)</c>,
    /// <c>t * 2.0</c>) is unreachable as soon as the call has read its handle, so a garbage collection during the native call
    /// can free it while libtorch still reads it ("Unknown scalar type" crashes). Every Scalar the runtime and the generated
    /// code create must therefore be held by a <c>using</c> local for as long as it is used. These tests compile the
    /// runtime's sources with the generator (hand-written code and the generated catalog) and every test declaration, and
    /// fail on any conversion to <c>TorchSharp.Scalar</c> (implicit or explicit, or <c>ToScalar()</c>) that is not the
    /// initializer of a <c>using</c> local.
    /// </summary>
    public sealed class ScalarLifetimeTests
    {
        [Fact]
        public void Runtime_sources_and_the_generated_catalog_hold_every_Scalar_in_a_using_local()
        {
            string runtime = Path.Combine(TestPaths.RepositoryRoot, "src", "Runtime");
            // src/Shared is linked into the runtime (OptimDsl.Runtime.csproj).
            string shared = Path.Combine(TestPaths.RepositoryRoot, "src", "Shared");
            string[] files = Directory.EnumerateFiles(runtime, "*.cs", SearchOption.AllDirectories)
                .Where(f => !IsBuildOutput(runtime, f))
                .Concat(Directory.EnumerateFiles(shared, "*.cs"))
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToArray();
            Assert.True(files.Length > 30, "the runtime's sources were not found under " + runtime);
            SyntaxTree[] trees = files
                .Select(f => GeneratorHarness.Parse(File.ReadAllText(f), f, GeneratorHarness.FastParseOptions))
                .ToArray();
            CSharpCompilation compilation = GeneratorHarness.CreateCompilation(trees, TestReferences.Dsl | TestReferences.TorchSharp,
                GeneratorHarness.CompilationOptions.WithAllowUnsafe(true).WithModuleName("OptimDsl.Runtime"))
                .AddReferences(MetadataReference.CreateFromFile(typeof(System.IO.Hashing.XxHash64).Assembly.Location));
            GeneratorRun run = GeneratorHarness.Run(compilation).AssertGeneratorDidNotFail();
            Diagnostic[] errors = run.OutputErrors.ToArray();
            Assert.True(errors.Length == 0, "the runtime does not compile in the test, so the scan would be incomplete:\n" + GeneratorHarness.Format(errors.Take(20)));
            Assert.True(run.GeneratedSources.Count >= 20, "the catalog was not generated");

            List<string> violations = Violations(run.OutputCompilation, run.OutputCompilation.SyntaxTrees).ToList();
            Assert.True(violations.Count == 0, violations.Count + " Scalar(s) not held by a using local:\n" + string.Join("\n", violations));
        }

        [Theory]
        [MemberData(nameof(Declarations.AllCases), MemberType = typeof(Declarations))]
        public void Generated_code_holds_every_Scalar_in_a_using_local(string testCase)
        {
            GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Declarations.SourceOf(testCase))).AssertGeneratorDidNotFail();
            Assert.Empty(run.OutputErrors);
            List<string> violations = Violations(run.OutputCompilation, run.GeneratedTrees.Select(t => run.OutputCompilation.SyntaxTrees.Single(o => o.FilePath == t.FilePath))).ToList();
            Assert.True(violations.Count == 0, testCase + ": " + violations.Count + " Scalar(s) not held by a using local:\n" + string.Join("\n", violations));
        }

        /// <summary>The check itself must see a conversion where there is one: a planted temporary is reported, a using local is not.</summary>
        [Fact]
        public void The_scan_reports_temporary_Scalars_and_accepts_using_locals()
        {
            const string source = """
                using TorchSharp;
                using static TorchSharp.torch;
                public static class Planted
                {
                    public static void Run(Tensor t, double value, long count)
                    {
                        t.mul_(0.5);                          // 1: implicit, temporary
                        t.add_(t, alpha: value);              // 2: implicit, temporary
                        Tensor u = t * 2.0;                   // 3: operator with a number operand
                        Scalar plain = value;                 // 4: a local without using
                        t.div_(plain);
                        using Scalar held = value;            // fine
                        t.mul_(held);
                        using (Scalar block = count) { t.div_(block); }   // fine
                        t.fill_(value.ToScalar());            // 5: extension, temporary
                        u.Dispose();
                    }
                }
                """;
            CSharpCompilation compilation = GeneratorHarness.CreateCompilation(source, TestReferences.TorchSharp);
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
            List<string> violations = Violations(compilation, compilation.SyntaxTrees).ToList();
            Assert.True(violations.Count == 5, "expected 5 violations, found:\n" + string.Join("\n", violations));
        }

        private static bool IsBuildOutput(string root, string file)
        {
            string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            return relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal);
        }

        /// <summary>Every conversion to TorchSharp.Scalar in <paramref name="trees"/> that is not a using local's initializer, as "file(line): code".</summary>
        internal static IEnumerable<string> Violations(Compilation compilation, IEnumerable<SyntaxTree> trees)
        {
            INamedTypeSymbol scalar = compilation.GetTypeByMetadataName("TorchSharp.Scalar")
                ?? throw new InvalidOperationException("TorchSharp.Scalar is not referenced");
            foreach (SyntaxTree tree in trees)
            {
                SemanticModel model = compilation.GetSemanticModel(tree);
                foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
                {
                    // Walk each operation tree once, from its root (a member body, an initializer, ...).
                    if (model.GetOperation(node) is not { Parent: null } root)
                    {
                        continue;
                    }

                    foreach (IOperation operation in root.DescendantsAndSelf())
                    {
                        if (CreatesScalar(operation, scalar) && !HeldByUsingLocal(operation))
                        {
                            FileLinePositionSpan span = operation.Syntax.GetLocation().GetLineSpan();
                            yield return "  " + Path.GetFileName(span.Path) + "(" + (span.StartLinePosition.Line + 1) + "): " + operation.Syntax.ToString().Trim();
                        }
                    }
                }
            }
        }

        // A user-defined conversion to Scalar (Scalar's implicit operators), a call of a ToScalar extension, or one of
        // Tensor's arithmetic operators with a number operand (`t * 2.0`: TorchSharp 0.107 converts the number to a
        // temporary Scalar inside the operator, which has the same hazard).
        private static bool CreatesScalar(IOperation operation, INamedTypeSymbol scalar) => operation switch
        {
            IConversionOperation c => c.Conversion.IsUserDefined && SymbolEqualityComparer.Default.Equals(c.Type, scalar),
            IInvocationOperation i => i.TargetMethod.Name.StartsWith("To", StringComparison.Ordinal) && i.TargetMethod.Name.EndsWith("Scalar", StringComparison.Ordinal)
                && SymbolEqualityComparer.Default.Equals(i.Type, scalar),
            IBinaryOperation b => b.OperatorMethod is { } method && IsTorchSharp(method.ContainingType)
                && method.Parameters.Any(p => p.Type.SpecialType is SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_Int32 or SpecialType.System_Int64),
            _ => false,
        };

        private static bool IsTorchSharp(INamedTypeSymbol? type) => type?.ContainingAssembly?.Name == "TorchSharp";

        // using Scalar s = value;  or  using (Scalar s = value) { ... }
        private static bool HeldByUsingLocal(IOperation operation) =>
            operation.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Parent: IVariableDeclarationOperation { Parent: IVariableDeclarationGroupOperation group } } }
            && group.Parent is IUsingDeclarationOperation or IUsingOperation;
    }
}
