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
    /// runtime's sources with the generator (hand-written code and the generated catalog), every test declaration, and the
    /// test projects' and examples' own sources (<see cref="ProjectCompilation"/>: reference implementations run beside the
    /// optimizers, and the examples are user-facing code), and
    /// fail on any conversion to <c>TorchSharp.Scalar</c> (implicit or explicit, or <c>ToScalar()</c>) that is not the
    /// initializer of a <c>using</c> local (or of a <c>static readonly</c> field, held for the life of the process).
    /// They also fail on any call of a TorchSharp method that creates such a temporary itself (<see cref="RacyMethods"/>):
    /// the project cannot hold a Scalar it never sees, so it must call an overload that takes every Scalar from it.
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

        /// <summary>
        /// The projects whose own sources call TorchSharp: the test projects' reference implementations and the examples
        /// (user-facing code). Each is compiled as its project file says (its folder's sources, its linked
        /// <c>Compile</c> items, its <c>DefineConstants</c>, its <c>InternalsVisibleTo</c>, its example project
        /// references with their aliases), with the generator run over it, and scanned like the runtime.
        /// </summary>
        public static TheoryData<string> ScannedProjects => new TheoryData<string>
        {
            "tests/OptimDsl.Tests/OptimDsl.Tests.csproj",
            "tests/OptimDsl.PropertyTests/OptimDsl.PropertyTests.csproj",
            "tests/OptimDsl.Examples.Tests/OptimDsl.Examples.Tests.csproj",
            "examples/Quickstart/Quickstart.csproj",
            "examples/Checkpoints/Checkpoints.csproj",
            "examples/Compare/Compare.csproj",
            "examples/Landscapes/Landscapes.csproj",
            "examples/Benchmarks/OptimDsl.Benchmarks.csproj",
        };

        [Theory]
        [MemberData(nameof(ScannedProjects))]
        public void Test_and_example_sources_hold_every_Scalar_in_a_using_local(string project)
        {
            ProjectCompilation compiled = ProjectCompilation.Of(project);
            List<string> violations = Violations(compiled.Compilation, compiled.SourceTrees).ToList();
            Assert.True(violations.Count == 0, project + ": " + violations.Count + " Scalar(s) not held by a using local:\n" + string.Join("\n", violations));
        }

        /// <summary>
        /// TorchSharp 0.107.0 methods that create a <c>Scalar</c> of their own and pass its handle to native code without
        /// keeping it alive (cited from TorchSharp's sources at v0.107.0, commit c20b6a1c). A call of any of them is a
        /// violation: call the overload that takes the Scalar (<c>add_(x, alpha: Scalars.One)</c>,
        /// <c>addcdiv_(a, b, value: Scalars.One)</c>, <c>arange(Scalars.Zero, stop, Scalars.One)</c>) or one that passes the
        /// number by value (<c>t.norm(2f)</c>: <c>THSTensor_norm(Handle, float p)</c>).
        /// </summary>
        internal static readonly string[] RacyMethods =
        {
            // Tensor/Tensor.Math.cs:58   add(Tensor target)    => add(target, 1)
            "TorchSharp.torch.Tensor.add(TorchSharp.torch.Tensor)",
            // Tensor/Tensor.Math.cs:82   add(Scalar scalar)    => add(scalar, 1)
            "TorchSharp.torch.Tensor.add(TorchSharp.Scalar)",
            // Tensor/Tensor.Math.cs:106  add_(Tensor target)   => add_(target, 1)
            "TorchSharp.torch.Tensor.add_(TorchSharp.torch.Tensor)",
            // Tensor/Tensor.Math.cs:129  add_(Scalar scalar)   => add_(scalar, 1)
            "TorchSharp.torch.Tensor.add_(TorchSharp.Scalar)",
            // Tensor/Tensor.Math.cs:203  addcdiv(Tensor tensor1, Tensor tensor2)  => addcdiv(tensor1, tensor2, 1)
            "TorchSharp.torch.Tensor.addcdiv(TorchSharp.torch.Tensor, TorchSharp.torch.Tensor)",
            // Tensor/Tensor.Math.cs:228  addcdiv_(Tensor tensor1, Tensor tensor2) => addcdiv_(tensor1, tensor2, 1)
            "TorchSharp.torch.Tensor.addcdiv_(TorchSharp.torch.Tensor, TorchSharp.torch.Tensor)",
            // Tensor/Tensor.Operators.cs:11-13  operator +(Tensor, Tensor|Scalar) / +(Scalar, Tensor) => add(right) (alpha 1)
            "TorchSharp.torch.Tensor.operator +(TorchSharp.torch.Tensor, TorchSharp.torch.Tensor)",
            "TorchSharp.torch.Tensor.operator +(TorchSharp.torch.Tensor, TorchSharp.Scalar)",
            "TorchSharp.torch.Tensor.operator +(TorchSharp.Scalar, TorchSharp.torch.Tensor)",
            // Tensor/Tensor.Operators.cs:41  operator -(Scalar left, Tensor right) => right.negative().add(left)
            "TorchSharp.torch.Tensor.operator -(TorchSharp.Scalar, TorchSharp.torch.Tensor)",
            // Tensor/torch.PointwiseOps.cs:103, 111, 137, 145  torch.add/add_(left, right) => left.add(right) / left.add_(right)
            "TorchSharp.torch.add(TorchSharp.torch.Tensor, TorchSharp.torch.Tensor)",
            "TorchSharp.torch.add(TorchSharp.torch.Tensor, TorchSharp.Scalar)",
            "TorchSharp.torch.add_(TorchSharp.torch.Tensor, TorchSharp.torch.Tensor)",
            "TorchSharp.torch.add_(TorchSharp.torch.Tensor, TorchSharp.Scalar)",
            // Tensor/Factories/Tensor.Factories.cs:65  arange(Scalar start, Scalar stop, ...) => arange(start, stop, 1, ...)
            "TorchSharp.torch.arange(TorchSharp.Scalar, TorchSharp.Scalar, TorchSharp.torch.ScalarType?, TorchSharp.torch.Device?, bool)",
            // Tensor/Factories/Tensor.Factories.cs:73  arange(Scalar stop, ...) => arange(0, stop, 1, ...)
            "TorchSharp.torch.arange(TorchSharp.Scalar, TorchSharp.torch.ScalarType?, TorchSharp.torch.Device?, bool)",
            // Tensor/Tensor.Math.cs:1591  square() => pow(2)
            "TorchSharp.torch.Tensor.square()",
            // LinearAlgebra.cs:710  linalg.vector_norm(Tensor, double ord, ...): THSLinalg_vector_norm(input.Handle, ord.ToScalar().Handle, ...)
            "TorchSharp.torch.linalg.vector_norm(TorchSharp.torch.Tensor, double, long[]?, bool)",
            // LinearAlgebra.cs:389  linalg.matrix_norm(Tensor, double ord, ...): THSLinalg_matrix_norm(input.Handle, ord.ToScalar().Handle, ...)
            "TorchSharp.torch.linalg.matrix_norm(TorchSharp.torch.Tensor, double, long[]?, bool)",
            // Tensor/TensorExtensionMethods.cs:651, 657, 681, 687, 693  t.ToSingle() => value.ToScalar().ToSingle() (and ToDouble, ...):
            // the Scalar of ToScalar() is a temporary whose handle the native conversion reads. Use t.item<T>().
            "TorchSharp.TensorExtensionMethods.ToSingle(TorchSharp.torch.Tensor)",
            "TorchSharp.TensorExtensionMethods.ToDouble(TorchSharp.torch.Tensor)",
            "TorchSharp.TensorExtensionMethods.ToInt32(TorchSharp.torch.Tensor)",
            "TorchSharp.TensorExtensionMethods.ToInt64(TorchSharp.torch.Tensor)",
            "TorchSharp.TensorExtensionMethods.ToBoolean(TorchSharp.torch.Tensor)",
        };

        /// <summary>The list names real methods: each entry is a member of the TorchSharp the tests reference.</summary>
        [Fact]
        public void Every_racy_method_listed_exists_in_TorchSharp()
        {
            CSharpCompilation compilation = GeneratorHarness.CreateCompilation("public static class Empty { }", TestReferences.TorchSharp);
            var known = new HashSet<string>(StringComparer.Ordinal);
            foreach (string type in new[] { "TorchSharp.torch+Tensor", "TorchSharp.torch", "TorchSharp.torch+linalg", "TorchSharp.TensorExtensionMethods" })
            {
                INamedTypeSymbol symbol = compilation.GetTypeByMetadataName(type) ?? throw new InvalidOperationException(type + " not found");
                known.UnionWith(symbol.GetMembers().OfType<IMethodSymbol>().Select(m => m.ToDisplayString()));
            }

            string[] missing = RacyMethods.Where(m => !known.Contains(m)).ToArray();
            Assert.True(missing.Length == 0, "not TorchSharp methods:\n" + string.Join("\n", missing));
        }

        /// <summary>Calls of TorchSharp methods that create their own temporary Scalar are reported; the explicit overloads are not.</summary>
        [Fact]
        public void The_scan_reports_TorchSharp_methods_that_create_temporary_Scalars()
        {
            const string source = """
                using TorchSharp;
                using static TorchSharp.torch;
                public static class Planted
                {
                    public static void Run(Tensor t, Tensor u, double value)
                    {
                        using Scalar s = value;
                        using Scalar one = 1;
                        using Scalar zero = 0;
                        t.add_(s);                                 // 1
                        t.add_(u);                                 // 2
                        t.add(u).Dispose();                        // 3
                        t.addcdiv_(u, u);                          // 4
                        linalg.vector_norm(t, 2).Dispose();        // 5
                        arange(s, dtype: ScalarType.Int64).Dispose(); // 6
                        (t + u).Dispose();                         // 7
                        double d = t.ToDouble();                   // 8
                        t.add_(s, alpha: one);                     // fine
                        t.add_(u, one);                            // fine
                        t.addcdiv_(u, u, value: one);              // fine
                        t.norm(2f).Dispose();                      // fine
                        arange(zero, s, one, dtype: ScalarType.Int64).Dispose(); // fine
                        t.item<double>();                          // fine
                    }
                }
                """;
            CSharpCompilation compilation = GeneratorHarness.CreateCompilation(source, TestReferences.TorchSharp);
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
            List<string> violations = Violations(compilation, compilation.SyntaxTrees).ToList();
            Assert.True(violations.Count == 8, "expected 8 violations, found:\n" + string.Join("\n", violations));
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
                        else if (RacyTorchSharpMethod(operation) is { } racy)
                        {
                            FileLinePositionSpan span = operation.Syntax.GetLocation().GetLineSpan();
                            yield return "  " + Path.GetFileName(span.Path) + "(" + (span.StartLinePosition.Line + 1) + "): " + operation.Syntax.ToString().Trim()
                                + "  [" + racy + " creates a temporary Scalar inside TorchSharp]";
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

        private static readonly HashSet<string> Racy = new HashSet<string>(RacyMethods, StringComparer.Ordinal);

        // The called TorchSharp method (a method, an extension or an operator) when it is one of RacyMethods.
        private static string? RacyTorchSharpMethod(IOperation operation)
        {
            IMethodSymbol? method = operation switch
            {
                IInvocationOperation i => i.TargetMethod,
                IBinaryOperation b => b.OperatorMethod,
                ICompoundAssignmentOperation c => c.OperatorMethod,
                IUnaryOperation u => u.OperatorMethod,
                _ => null,
            };
            if (method is null || !IsTorchSharp(method.ContainingType))
            {
                return null;
            }

            string name = (method.ReducedFrom ?? method).OriginalDefinition.ToDisplayString();
            return Racy.Contains(name) ? name : null;
        }

        // using Scalar s = value;  or  using (Scalar s = value) { ... }  or  static readonly Scalar S = value; (lives as long as the process)
        private static bool HeldByUsingLocal(IOperation operation) =>
            (operation.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Parent: IVariableDeclarationOperation { Parent: IVariableDeclarationGroupOperation group } } }
                && group.Parent is IUsingDeclarationOperation or IUsingOperation)
            || (operation.Parent is IFieldInitializerOperation field && field.InitializedFields.All(f => f.IsStatic && f.IsReadOnly));
    }
}
