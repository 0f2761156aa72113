using System;
using System.Globalization;
using System.Text;
using TorchSharp;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// Renders what a checkpoint holds as readable text for error messages: bytes as hex, strings with every unprintable
    /// character escaped, shapes and dtypes as PyTorch prints them. Nothing read from a file reaches a message unescaped.
    /// </summary>
    internal static class CheckpointText
    {
        /// <summary>Strict UTF-8: invalid byte sequences throw instead of becoming U+FFFD.</summary>
        public static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        /// <summary>At most this many bytes are shown in a message (then "…").</summary>
        public const int ShownBytes = 16;

        /// <summary>Bytes as upper-case hex pairs, e.g. <c>FC A9 F1</c>; longer inputs are cut at <see cref="ShownBytes"/>.</summary>
        /// <param name="bytes">The bytes.</param>
        public static string Hex(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length == 0)
            {
                return "(none)";
            }

            var text = new StringBuilder();
            int shown = Math.Min(bytes.Length, ShownBytes);
            for (int i = 0; i < shown; i++)
            {
                if (i > 0)
                {
                    text.Append(' ');
                }

                text.Append(bytes[i].ToString("X2", CultureInfo.InvariantCulture));
            }

            if (bytes.Length > shown)
            {
                text.Append(" …");
            }

            return text.ToString();
        }

        /// <summary>A string in single quotes with control, format, surrogate, private-use and unassigned characters escaped as <c>\uXXXX</c>.</summary>
        /// <param name="value">The string.</param>
        public static string Quote(string value)
        {
            var text = new StringBuilder(value.Length + 2);
            text.Append('\'');
            foreach (char c in value)
            {
                if (IsPrintable(c) && c != '\\' && c != '\'')
                {
                    text.Append(c);
                }
                else
                {
                    text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                }
            }

            return text.Append('\'').ToString();
        }

        /// <summary>Whether a character can appear in a message as it is.</summary>
        /// <param name="c">The character.</param>
        public static bool IsPrintable(char c)
        {
            if (c == '\uFFFD')
            {
                return false;
            }

            return char.GetUnicodeCategory(c) switch
            {
                UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                    or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => false,
                _ => true,
            };
        }

        /// <summary>A shape as PyTorch prints a size, e.g. <c>[3, 4]</c> (<c>[]</c> for a scalar).</summary>
        /// <param name="shape">The dimensions.</param>
        public static string Shape(long[] shape) => Shapes.Text(shape);

        /// <summary>A dtype as PyTorch names it, e.g. <c>float32</c>, <c>bfloat16</c>.</summary>
        /// <param name="dtype">The dtype.</param>
        public static string Dtype(torch.ScalarType dtype) => dtype.ToString().ToLowerInvariant();

        /// <summary>An integer with thousands separators (invariant culture), e.g. <c>12,345</c>.</summary>
        /// <param name="value">The value.</param>
        public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

        /// <summary>"1 parameter group", "2 parameter groups".</summary>
        /// <param name="count">How many.</param>
        /// <param name="noun">The singular noun.</param>
        public static string Plural(long count, string noun) => Count(count) + " " + noun + (count == 1 ? string.Empty : "s");
    }
}
