using System;
using OptimDsl.Examples.Landscapes;
using OptimDsl.Examples.Tests.Support;
using Xunit;

namespace OptimDsl.Examples.Tests.Landscapes
{
    /// <summary><see cref="PointParser"/>: the value of <c>--init</c>, one or two comma-separated finite numbers, invariant culture.</summary>
    public sealed class PointParserTests
    {
        [Theory]
        [InlineData("-1.5,1.5", new[] { -1.5, 1.5 })]
        [InlineData(" 0.25 , -2 ", new[] { 0.25, -2.0 })]
        [InlineData("1e-1,3E2", new[] { 0.1, 300.0 })]
        [InlineData("2", new[] { 2.0 })]
        [InlineData("-0.5", new[] { -0.5 })]
        public void ValidPointsParse(string text, double[] expected)
        {
            Assert.Equal(expected, PointParser.Parse(text));
        }

        [Fact]
        public void ACommaSeparatesCoordinatesEvenWhereItIsTheDecimalSeparator()
        {
            using var culture = new DecimalCommaCulture();
            Assert.Equal(new[] { 1.0, 5.0 }, PointParser.Parse("1,5"));
            Assert.Equal(new[] { 0.5 }, PointParser.Parse("0.5"));
        }

        [Fact]
        public void MoreThanTwoCoordinatesIsNotAPoint()
        {
            var error = Assert.Throws<FormatException>(() => PointParser.Parse("1,2,3"));
            Assert.Equal("'1,2,3' is not a point: write x,y (or x for the one-variable function).", error.Message);
        }

        [Theory]
        [InlineData("a,1", "a")]
        [InlineData("1,", "")]
        [InlineData("", "")]
        [InlineData("NaN", "NaN")]
        [InlineData("1,Infinity", "Infinity")]
        [InlineData("1e400", "1e400")]
        public void ACoordinateThatIsNotAFiniteNumberIsNamed(string text, string part)
        {
            var error = Assert.Throws<FormatException>(() => PointParser.Parse(text));
            Assert.Equal($"'{part}' in '{text}' is not a finite number (use a dot as the decimal separator).", error.Message);
        }
    }
}
