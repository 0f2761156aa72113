using System;
using System.Globalization;

namespace OptimDsl.Examples.Tests.Support
{
    /// <summary>
    /// Makes a culture that writes 1.5 as <c>1,5</c> (and groups thousands with dots) the current culture until disposed,
    /// so that a test fails if code formats or parses numbers with the current culture instead of the invariant one. Built
    /// from the invariant culture, so it works without ICU culture data.
    /// </summary>
    public sealed class DecimalCommaCulture : IDisposable
    {
        private readonly CultureInfo previous;
        private readonly CultureInfo previousUi;

        /// <summary>Switches the current thread to the decimal-comma culture.</summary>
        public DecimalCommaCulture()
        {
            previous = CultureInfo.CurrentCulture;
            previousUi = CultureInfo.CurrentUICulture;
            var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            culture.NumberFormat.NumberDecimalSeparator = ",";
            culture.NumberFormat.NumberGroupSeparator = ".";
            culture.NumberFormat.NegativeSign = "\u2212";
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
        }

        /// <summary>Restores the cultures that were current before.</summary>
        public void Dispose()
        {
            CultureInfo.CurrentCulture = previous;
            CultureInfo.CurrentUICulture = previousUi;
        }
    }
}
