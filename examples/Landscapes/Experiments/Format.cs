using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace OptimDsl.Examples.Landscapes.Experiments
{
    /// <summary>Invariant-culture number and point formatting for tables and titles.</summary>
    internal static class Format
    {
        /// <summary>A number with <paramref name="format"/> in the invariant culture.</summary>
        public static string Number(double value, string format = "G4") => value.ToString(format, CultureInfo.InvariantCulture);

        /// <summary>A point as <c>(x, y)</c> or <c>x</c> for one coordinate.</summary>
        public static string Point(IReadOnlyList<double> point, string format = "0.###") =>
            point.Count == 1 ? Number(point[0], format) : "(" + string.Join(", ", point.Select(v => Number(v, format))) + ")";
    }
}
