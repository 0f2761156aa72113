using System.Collections.Generic;
using Microsoft.CodeAnalysis.CSharp;
using OptimDsl.Generator.Diagnostics;
using OptimDsl.Generator.Arguments;
using OptimDsl.Generator.Model;
using OptimDsl.Generator.Naming;

namespace OptimDsl.Generator.Validation
{
    /// <summary>
    /// Generated argument names must be identifiers and unique (a renamed block may collide with another). A chosen name
    /// cannot collide with the generated code's own identifiers: those carry <see cref="Identifiers.Local"/>, which chosen
    /// names may not start with (<see cref="Identifiers.Reserved"/>), or are the few API and member names of
    /// <see cref="Identifiers.Members"/>.
    /// </summary>
    internal static class ArgumentNames
    {
        public static void Check(List<DiagnosticInfo> diagnostics, OptimizerDeclaration declaration, IReadOnlyList<HyperParameter> arguments)
        {
            var seen = new HashSet<string>();
            foreach (HyperParameter p in arguments)
            {
                LocationInfo? at = LocationOf(declaration.Blocks, p.Name) ?? declaration.OptimizerAttributeLocation;
                if (!SyntaxFacts.IsValidIdentifier(p.Name) || SyntaxFacts.GetKeywordKind(p.Name) != SyntaxKind.None)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgumentName, at, p.Name, "it is not a valid C# identifier"));
                }
                else if (IsUserName(declaration.Blocks, p.Name) && p.Name.StartsWith(Identifiers.Reserved, System.StringComparison.Ordinal))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgumentName, at, p.Name,
                        "names starting with '" + Identifiers.Reserved + "' are reserved for the generated code's own identifiers"));
                }
                else if (IsUserName(declaration.Blocks, p.Name) && Identifiers.Members.All.Contains(p.Name))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgumentName, at, p.Name,
                        "the generated optimizer already uses this name (a member, or a parameter next to the arguments)"));
                }
                else if (!seen.Add(p.Name))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgumentName, at, p.Name, "another block already generates an argument with this name"));
                }
            }
        }

        // Names chosen in the declaration ([FirstMoment(Name = ...)], [SecondMoment(Name = ...)]).
        private static bool IsUserName(BlockSet b, string name) => b.FirstMoment?.Name == name || b.SecondMoment?.Name == name;

        private static LocationInfo? LocationOf(BlockSet b, string name) =>
            b.FirstMoment?.Name == name ? b.FirstMoment.At(nameof(FirstMomentAttribute.Name))
            : b.SecondMoment?.Name == name ? b.SecondMoment.At(nameof(SecondMomentAttribute.Name))
            : null;
    }
}
