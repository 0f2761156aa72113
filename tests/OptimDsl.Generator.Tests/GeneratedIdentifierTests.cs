using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;
using OptimDsl.Generator.Naming;

namespace OptimDsl.Generator.Tests
{
    /// <summary>
    /// The rule that keeps chosen names (<c>[FirstMoment(Name = ...)]</c>, <c>[SecondMoment(Name = ...)]</c>) from colliding
    /// with the generated code, checked on every snapshot case: each identifier the generated code introduces for its own
    /// use inside bodies and the <c>FusedTensor</c> record carries the prefix <c>__</c> (which chosen names may not start
    /// with), and each other simple name that the bodies where chosen names are in scope use is one of the generator's
    /// <c>Identifiers.Members</c> (which chosen names may not be) or a private field (<c>_x</c>).
    /// </summary>
    public sealed class GeneratedIdentifierTests
    {
        private const string Prefix = "__";

        // FusedTensor fields named by the record itself (read only as t.X): the parameter's bookkeeping and the buffer's offer.
        private static readonly ImmutableHashSet<string> RecordFields = ImmutableHashSet.Create("Position", "State", "Elements", "RowLength", "Factored", "critical");

        // Simple names that are neither the generated code's nor chosen: contextual keywords and the global alias.
        private static readonly ImmutableHashSet<string> Language = ImmutableHashSet.Create("var", "global", "value");

        /// <summary>The generator's <c>Identifiers.Members.All</c> (internal: read by reflection).</summary>
        private static readonly Lazy<ImmutableHashSet<string>> Members = new(() =>
            (ImmutableHashSet<string>)typeof(OptimizerGenerator).Assembly
                .GetType("OptimDsl.Generator.Naming.Identifiers+Members", throwOnError: true)!
                .GetField("All", BindingFlags.Public | BindingFlags.Static)!
                .GetValue(null)!);

        [Theory]
        [MemberData(nameof(Declarations.AllCases), MemberType = typeof(Declarations))]
        public void Generated_identifiers_carry_the_prefix(string testCase)
        {
            ClassDeclarationSyntax optimizer = Generated(testCase, out ImmutableHashSet<string> arguments);
            var wrong = new List<string>();
            foreach (SyntaxNode node in optimizer.DescendantNodes())
            {
                foreach ((string name, string what) in Declared(node))
                {
                    bool argumentLocal = what == "local" && arguments.Contains(name) && InMethod(node, "StepGroup");
                    if (!name.StartsWith(Prefix, StringComparison.Ordinal) && !argumentLocal)
                    {
                        wrong.Add(what + " '" + name + "' in " + Where(node));
                    }
                }
            }

            StructDeclarationSyntax record = optimizer.DescendantNodes().OfType<StructDeclarationSyntax>().SingleOrDefault(s => s.Identifier.Text == "FusedTensor")
                ?? throw new InvalidOperationException(testCase + ": no FusedTensor record");
            foreach (VariableDeclaratorSyntax field in record.Members.OfType<FieldDeclarationSyntax>().SelectMany(f => f.Declaration.Variables))
            {
                string name = field.Identifier.Text;
                if (!name.StartsWith(Prefix, StringComparison.Ordinal) && !RecordFields.Contains(name))
                {
                    wrong.Add("FusedTensor field '" + name + "'");
                }
            }

            Assert.True(wrong.Count == 0, testCase + ": identifiers without the prefix " + Prefix + ":\n" + string.Join("\n", wrong.Distinct()));
        }

        [Theory]
        [MemberData(nameof(Declarations.AllCases), MemberType = typeof(Declarations))]
        public void Names_in_scope_of_chosen_names_are_prefixed_or_reserved(string testCase)
        {
            ClassDeclarationSyntax optimizer = Generated(testCase, out ImmutableHashSet<string> arguments);
            string type = optimizer.Identifier.Text;

            // Where chosen names are in scope: the constructors (parameters), StepGroup (locals) and the Options class (fields).
            IEnumerable<SyntaxNode> scopes = optimizer.DescendantNodes().OfType<ConstructorDeclarationSyntax>().Cast<SyntaxNode>()
                .Concat(optimizer.Members.OfType<MethodDeclarationSyntax>().Where(m => m.Identifier.Text == "StepGroup"))
                .Concat(optimizer.Members.OfType<ClassDeclarationSyntax>().Where(c => c.Identifier.Text == "Options")
                    .SelectMany(c => c.Members.OfType<BaseMethodDeclarationSyntax>()));
            var wrong = new List<string>();
            foreach (SyntaxNode scope in scopes)
            {
                var own = new HashSet<string>(scope.DescendantNodesAndSelf().SelectMany(n => Declared(n)).Select(d => d.Name), StringComparer.Ordinal);
                own.UnionWith(scope.DescendantNodesAndSelf().OfType<ParameterSyntax>().Select(p => p.Identifier.Text));
                foreach (IdentifierNameSyntax id in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    string name = id.Identifier.Text;
                    if (own.Contains(name) || arguments.Contains(name) || Language.Contains(name) || name == type
                        || name.StartsWith("_", StringComparison.Ordinal) || Members.Value.Contains(name) || !IsSimpleName(id))
                    {
                        continue;
                    }

                    wrong.Add("'" + name + "' in " + Where(id));
                }
            }

            Assert.True(wrong.Count == 0, testCase + ": simple names that a chosen name could shadow, neither prefixed nor in Identifiers.Members:\n"
                + string.Join("\n", wrong.Distinct()));
        }

        /// <summary>The list holds no dead entries: each name is an identifier of some snapshot case's generated code.</summary>
        [Fact]
        public void Every_reserved_member_name_is_used_by_the_generated_code()
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (string testCase in Declarations.AllCaseNames())
            {
                used.UnionWith(CSharpSyntaxTree.ParseText(SnapshotTests.GenerateSingle(testCase)).GetRoot().DescendantTokens()
                    .Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
            }

            string[] dead = Members.Value.Where(n => !used.Contains(n)).OrderBy(n => n, StringComparer.Ordinal).ToArray();
            Assert.True(dead.Length == 0, "Identifiers.Members lists names no generated code uses: " + string.Join(", ", dead));
        }

        /// <summary>The generated optimizer class of a snapshot case, and its arguments (the hyper-parameters' names).</summary>
        private static ClassDeclarationSyntax Generated(string testCase, out ImmutableHashSet<string> arguments)
        {
            SyntaxNode root = CSharpSyntaxTree.ParseText(SnapshotTests.GenerateSingle(testCase)).GetRoot();
            ClassDeclarationSyntax optimizer = root.DescendantNodes().OfType<ClassDeclarationSyntax>()
                .Single(c => c.Members.OfType<ClassDeclarationSyntax>().Any(n => n.Identifier.Text == "Options"));
            ConstructorDeclarationSyntax groups = optimizer.Members.OfType<ConstructorDeclarationSyntax>()
                .Single(c => c.ParameterList.Parameters[0].Type!.ToString().EndsWith("<ParamGroup>", StringComparison.Ordinal));
            arguments = groups.ParameterList.Parameters.Skip(1).Select(p => p.Identifier.Text).Where(n => n != "fused").ToImmutableHashSet();
            return optimizer;
        }

        /// <summary>The identifiers a node declares for the generated code's own use (public signatures excepted).</summary>
        private static IEnumerable<(string Name, string What)> Declared(SyntaxNode node)
        {
            switch (node)
            {
                case VariableDeclaratorSyntax v when v.Parent?.Parent is not FieldDeclarationSyntax:
                    yield return (v.Identifier.Text, "local");
                    break;
                case ForEachStatementSyntax f:
                    yield return (f.Identifier.Text, "foreach variable");
                    break;
                case SingleVariableDesignationSyntax d:
                    yield return (d.Identifier.Text, "pattern variable");
                    break;
                case CatchDeclarationSyntax c when c.Identifier.Text.Length > 0:
                    yield return (c.Identifier.Text, "catch variable");
                    break;
                case LocalFunctionStatementSyntax l:
                    yield return (l.Identifier.Text, "local function");
                    break;
                case ParameterSyntax p when p.Parent is SimpleLambdaExpressionSyntax || p.Parent?.Parent is LambdaExpressionSyntax or LocalFunctionStatementSyntax:
                    yield return (p.Identifier.Text, "parameter");
                    break;
                case ParameterSyntax p when p.Parent?.Parent is MethodDeclarationSyntax m && !IsApi(m.Modifiers):
                    yield return (p.Identifier.Text, "parameter of " + m.Identifier.Text);
                    break;
                case ParameterSyntax p when p.Parent?.Parent is ConstructorDeclarationSyntax c && !IsApi(c.Modifiers):
                    yield return (p.Identifier.Text, "constructor parameter");
                    break;
            }
        }

        // Public and protected members and overrides keep TorchSharp's or the API's parameter names.
        private static bool IsApi(SyntaxTokenList modifiers) =>
            modifiers.Any(m => m.IsKind(SyntaxKind.PublicKeyword) || m.IsKind(SyntaxKind.ProtectedKeyword) || m.IsKind(SyntaxKind.OverrideKeyword));

        // A name looked up by simple-name rules in an expression: not a member access, a type, a label or an initialized member.
        private static bool IsSimpleName(IdentifierNameSyntax id) => id.Parent switch
        {
            MemberAccessExpressionSyntax m => m.Name != id,
            MemberBindingExpressionSyntax or QualifiedNameSyntax or AliasQualifiedNameSyntax or NameColonSyntax or NameEqualsSyntax => false,
            AssignmentExpressionSyntax a when a.Left == id && a.Parent is InitializerExpressionSyntax => false,
            VariableDeclarationSyntax v => v.Type != id,
            CastExpressionSyntax c => c.Type != id,
            ForEachStatementSyntax f => f.Type != id,
            BinaryExpressionSyntax b when b.IsKind(SyntaxKind.AsExpression) => b.Right != id,
            ObjectCreationExpressionSyntax or ArrayTypeSyntax or TypeArgumentListSyntax or TypeOfExpressionSyntax or DeclarationPatternSyntax
                or RecursivePatternSyntax or TypePatternSyntax or ParameterSyntax or NullableTypeSyntax or RefTypeSyntax or BaseMethodDeclarationSyntax => false,
            _ => true,
        };

        private static bool InMethod(SyntaxNode node, string method) =>
            node.Ancestors().OfType<MethodDeclarationSyntax>().FirstOrDefault()?.Identifier.Text == method;

        private static string Where(SyntaxNode node)
        {
            SyntaxNode? member = node.AncestorsAndSelf().FirstOrDefault(a => a is BaseMethodDeclarationSyntax or PropertyDeclarationSyntax or TypeDeclarationSyntax);
            string owner = member switch
            {
                MethodDeclarationSyntax m => m.Identifier.Text,
                ConstructorDeclarationSyntax c => c.Identifier.Text + " constructor",
                BaseMethodDeclarationSyntax b => b.Kind().ToString(),
                PropertyDeclarationSyntax p => p.Identifier.Text,
                TypeDeclarationSyntax t => t.Identifier.Text,
                _ => "?",
            };
            return owner + " (line " + (node.GetLocation().GetLineSpan().StartLinePosition.Line + 1) + ")";
        }
    }
}
