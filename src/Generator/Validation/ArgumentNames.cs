using System.Collections.Generic;
using Microsoft.CodeAnalysis.CSharp;
using OptimDsl.Generator.Diagnostics;
using OptimDsl.Generator.Model;
using OptimDsl.Generator.Planning;

namespace OptimDsl.Generator.Validation
{
    /// <summary>Generated argument names must be identifiers and unique (a renamed block may collide with another).</summary>
    internal static class ArgumentNames
    {
        public static void Check(List<DiagnosticInfo> diagnostics, OptimizerDeclaration declaration)
        {
            var seen = new HashSet<string>();
            foreach (HyperParameter p in HyperParameters.For(declaration))
            {
                LocationInfo? at = LocationOf(declaration.Blocks, p.Name) ?? declaration.OptimizerAttributeLocation;
                if (!SyntaxFacts.IsValidIdentifier(p.Name) || SyntaxFacts.GetKeywordKind(p.Name) != SyntaxKind.None)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgumentName, at, p.Name, "it is not a valid C# identifier"));
                }
                else if (!seen.Add(p.Name))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgumentName, at, p.Name, "another block already generates an argument with this name"));
                }
            }
        }

        private static LocationInfo? LocationOf(BlockSet b, string name) =>
            b.FirstMoment?.Name == name ? b.FirstMoment.Location
            : b.SecondMoment?.Name == name ? b.SecondMoment.Location
            : null;
    }
}
