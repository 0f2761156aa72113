using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace OptimDsl.Generator.Tests
{
    /// <summary>An expected diagnostic span parsed from markup: <c>{|ODSL0004:text|}</c> (id given) or <c>[|text|]</c> (any id).</summary>
    public sealed record MarkedSpan(string? Id, TextSpan Span);

    /// <summary>
    /// Test-source markup in the style of Roslyn's analyzer tests: <c>{|ID:text|}</c> marks where diagnostic ID must be
    /// reported, <c>[|text|]</c> marks a span without naming the id. Markers are removed from the returned source.
    /// Markers do not nest.
    /// </summary>
    public static class SourceMarkup
    {
        public static (string Source, IReadOnlyList<MarkedSpan> Spans) Parse(string markup)
        {
            var text = new StringBuilder(markup.Length);
            var spans = new List<MarkedSpan>();
            int i = 0;
            while (i < markup.Length)
            {
                if (Starts(markup, i, "[|"))
                {
                    int end = markup.IndexOf("|]", i + 2, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        throw new FormatException("Unclosed [| at " + i);
                    }

                    string inner = markup.Substring(i + 2, end - i - 2);
                    spans.Add(new MarkedSpan(null, new TextSpan(text.Length, inner.Length)));
                    text.Append(inner);
                    i = end + 2;
                }
                else if (Starts(markup, i, "{|"))
                {
                    int colon = markup.IndexOf(':', i + 2);
                    int end = markup.IndexOf("|}", i + 2, StringComparison.Ordinal);
                    if (colon < 0 || end < 0 || colon > end)
                    {
                        throw new FormatException("Malformed {|ID:...|} at " + i);
                    }

                    string id = markup.Substring(i + 2, colon - i - 2);
                    string inner = markup.Substring(colon + 1, end - colon - 1);
                    spans.Add(new MarkedSpan(id, new TextSpan(text.Length, inner.Length)));
                    text.Append(inner);
                    i = end + 2;
                }
                else
                {
                    text.Append(markup[i]);
                    i++;
                }
            }

            return (text.ToString(), spans);
        }

        private static bool Starts(string s, int at, string token) => string.CompareOrdinal(s, at, token, 0, token.Length) == 0;
    }
}
