using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace OptimDsl.Generator.Model
{
    /// <summary>An equatable stand-in for <see cref="Location"/> (which pins syntax trees) in cached models.</summary>
    /// <remarks>
    /// <see cref="Tree"/> keeps the syntax tree (compared by reference: the same object while its file is unchanged) so
    /// that reported diagnostics are in-source locations, which #pragma, [SuppressMessage] and code fixes need. Plans never
    /// hold locations (see <see cref="OptimizerDeclaration.WithoutLocations"/>), so this costs no source regeneration.
    /// </remarks>
    internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan, SyntaxTree? Tree = null)
    {
        public Location ToLocation() => Tree is not null ? Location.Create(Tree, Span) : Location.Create(FilePath, Span, LineSpan);

        public static LocationInfo? From(Location? location)
        {
            if (location is null || location.SourceTree is null)
            {
                return null;
            }

            return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span, location.SourceTree);
        }

        public static LocationInfo? From(SyntaxReference? reference) =>
            reference is null ? null : From(reference.GetSyntax().GetLocation());
    }
}
