using System;
using System.Globalization;
using System.Linq;

namespace OptimDsl.Examples.Landscapes
{
    /// <summary>Parses an initial point written <c>x,y</c> (or <c>x</c> for a one-variable function), invariant culture.</summary>
    internal static class PointParser
    {
        /// <summary>The coordinates of <paramref name="text"/>, e.g. <c>-1.5,1.5</c> → [−1.5, 1.5].</summary>
        /// <exception cref="FormatException">The text is not one or two comma-separated finite numbers.</exception>
        public static double[] Parse(string text)
        {
            string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length is < 1 or > 2)
            {
                throw new FormatException($"'{text}' is not a point: write x,y (or x for the one-variable function).");
            }

            return parts.Select(part =>
                double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
                    ? value
                    : throw new FormatException($"'{part}' in '{text}' is not a finite number (use a dot as the decimal separator).")).ToArray();
        }
    }
}
