using System.Globalization;

namespace OptimDsl.Generator.Validation
{
    /// <summary>Human-readable interval notation shared by compile-time diagnostics and generated run-time checks.</summary>
    internal static class Ranges
    {
        public static string Describe(double? min, bool minInclusive, double? max, bool maxInclusive)
        {
            string lo = min is null ? "(-∞" : (minInclusive ? "[" : "(") + Format(min.Value);
            string hi = max is null ? "∞)" : Format(max.Value) + (maxInclusive ? "]" : ")");
            return "allowed range " + lo + ", " + hi;
        }

        private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
