using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace OptimDsl.Generator.Model
{
    /// <summary>An equatable stand-in for <see cref="Location"/> (which pins syntax trees) in cached models.</summary>
    internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
    {
        public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

        public static LocationInfo? From(Location? location)
        {
            if (location is null || location.SourceTree is null)
            {
                return null;
            }

            return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
        }

        public static LocationInfo? From(SyntaxReference? reference) =>
            reference is null ? null : From(reference.GetSyntax().GetLocation());
    }
}
