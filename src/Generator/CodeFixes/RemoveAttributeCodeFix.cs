using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace OptimDsl.CodeFixes
{
    /// <summary>
    /// ODSL0004 (conflicting blocks) and ODSL0008 (option without effect): removes the attribute the diagnostic points at
    /// (and its attribute list when it was the only one).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveAttributeCodeFix)), Shared]
    public sealed class RemoveAttributeCodeFix : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("ODSL0004", "ODSL0008");

        /// <inheritdoc/>
        public override FixAllProvider? GetFixAllProvider() => null;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            AttributeSyntax? attribute = root?.FindNode(context.Span, getInnermostNodeForTie: true)?.AncestorsAndSelf().OfType<AttributeSyntax>().FirstOrDefault();
            if (root is null || attribute is null || attribute.Parent is not AttributeListSyntax list)
            {
                return;
            }

            SyntaxNode toRemove = list.Attributes.Count == 1 ? list : attribute;
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Remove [" + attribute.Name + "]",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.RemoveNode(toRemove, SyntaxRemoveOptions.KeepNoTrivia)!)),
                    equivalenceKey: nameof(RemoveAttributeCodeFix) + attribute.Name),
                context.Diagnostics.First());
        }
    }
}
