using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using OptimDsl.Generator.Diagnostics;

namespace OptimDsl.Generator.Analyzers
{
    /// <summary>
    /// ODSL0011: an OptimDsl building block on a class without <c>[Optimizer]</c> is silently ignored by the generator;
    /// this analyzer says so at the block.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class BlockWithoutOptimizerAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(DiagnosticDescriptors.BlockWithoutOptimizer);

        /// <inheritdoc/>
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterSymbolAction(Analyze, SymbolKind.NamedType);
        }

        private static void Analyze(SymbolAnalysisContext context)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            ImmutableArray<AttributeData> attributes = type.GetAttributes();
            var blocks = attributes.Where(IsBlock).ToList();
            if (blocks.Count == 0 || attributes.Any(a => IsDsl(a, "OptimizerAttribute")))
            {
                return;
            }

            foreach (AttributeData block in blocks)
            {
                Location location = block.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation() ?? type.Locations.FirstOrDefault() ?? Location.None;
                string name = block.AttributeClass!.Name;
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.BlockWithoutOptimizer, location,
                    name.EndsWith("Attribute", System.StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name, type.Name));
            }
        }

        private static bool IsBlock(AttributeData attribute) =>
            attribute.AttributeClass is { } c && c.ContainingNamespace?.ToDisplayString() == "OptimDsl"
            && c.Name != "OptimizerAttribute";

        private static bool IsDsl(AttributeData attribute, string name) =>
            attribute.AttributeClass is { } c && c.Name == name && c.ContainingNamespace?.ToDisplayString() == "OptimDsl";
    }
}
