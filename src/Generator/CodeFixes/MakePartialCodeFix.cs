using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace OptimDsl.CodeFixes
{
    /// <summary>ODSL0001 / ODSL0003: adds <c>partial</c> to the optimizer class and every containing type that lacks it.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFix)), Shared]
    public sealed class MakePartialCodeFix : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("ODSL0001", "ODSL0003");

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            ClassDeclarationSyntax? declaration = root?.FindToken(context.Span.Start).Parent?.AncestorsAndSelf().OfType<ClassDeclarationSyntax>().FirstOrDefault();
            if (root is null || declaration is null)
            {
                return;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Make the optimizer class partial",
                    ct => Task.FromResult(context.Document.WithSyntaxRoot(MakePartial(root, declaration, ct))),
                    equivalenceKey: nameof(MakePartialCodeFix)),
                context.Diagnostics);
        }

        private static SyntaxNode MakePartial(SyntaxNode root, ClassDeclarationSyntax declaration, CancellationToken cancellationToken)
        {
            var targets = declaration.AncestorsAndSelf().OfType<TypeDeclarationSyntax>()
                .Where(t => !t.Modifiers.Any(SyntaxKind.PartialKeyword))
                .ToList();
            return root.ReplaceNodes(targets, (original, rewritten) =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                return rewritten.AddModifiers(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space));
            });
        }
    }
}
