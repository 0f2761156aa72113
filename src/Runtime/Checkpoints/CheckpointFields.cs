using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using TorchSharp;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// Strict readers (and the matching writers) of the scalar fields in checkpoint records: layout tags, flags, enums,
    /// dtypes, optional values and step counters. Each reader rejects what its writer never produces (a flag byte other than
    /// 0 or 1, an undefined enum value, a negative step, a tag that is not text) with an exception of the location's route
    /// whose message says what was found and what was expected.
    /// </summary>
    public static class CheckpointFields
    {
        /// <summary>Longest layout tag (in UTF-8 bytes) a reader accepts; the generated tags are far shorter.</summary>
        public const int MaxTagBytes = 1024;

        /// <summary>Reads a record's layout tag (a length-prefixed UTF-8 string, as <see cref="BinaryWriter.Write(string)"/> writes it) and checks it.</summary>
        /// <param name="reader">The reader.</param>
        /// <param name="expected">The tag this record must carry (the optimizer's <c>StateFormat</c>, or a runtime object's layout).</param>
        /// <param name="at">The record's location, for the message.</param>
        /// <exception cref="InvalidDataException">Another tag, or no text at all (via <paramref name="at"/>).</exception>
        public static void ExpectTag(BinaryReader reader, string expected, CheckpointLocation at)
        {
            string? found = TryReadTag(reader, out List<byte> raw);
            if (found == expected)
            {
                return;
            }

            if (found is not null && found.StartsWith("OptimDsl", StringComparison.Ordinal))
            {
                throw at.Error("the record has the layout " + CheckpointText.Quote(found) + ", expected " + CheckpointText.Quote(expected)
                    + ": it was written by an optimizer (or an OptimDsl version) with other arguments or state.");
            }

            throw at.Error("expected a record with the layout " + CheckpointText.Quote(expected) + ", found bytes " + CheckpointText.Hex(raw.ToArray())
                + (found is null ? string.Empty : " (the text " + CheckpointText.Quote(found) + ")") + ".");
        }

        /// <summary>
        /// Reads a length-prefixed UTF-8 string of at most <see cref="MaxTagBytes"/> bytes; null when the bytes are not one
        /// (too long, invalid UTF-8). <paramref name="raw"/> receives every byte consumed (for messages).
        /// </summary>
        internal static string? TryReadTag(BinaryReader reader, out List<byte> raw)
        {
            raw = new List<byte>();
            int length = 0;
            for (int shift = 0; ; shift += 7)
            {
                byte b = reader.ReadByte();
                raw.Add(b);
                if (shift == 28 && b > 0x07)
                {
                    return null;
                }

                length |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    break;
                }
            }

            if (length > MaxTagBytes)
            {
                return null;
            }

            byte[] bytes = reader.ReadBytes(length);
            raw.AddRange(bytes);
            if (bytes.Length != length)
            {
                throw new EndOfStreamException();
            }

            try
            {
                return CheckpointText.StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                return null;
            }
        }

        /// <summary>Reads a flag written by <see cref="BinaryWriter.Write(bool)"/>: exactly 0 or 1.</summary>
        /// <param name="reader">The reader.</param>
        /// <param name="name">The field's name, for the message.</param>
        /// <param name="at">The record's location.</param>
        public static bool ReadBoolean(BinaryReader reader, string name, CheckpointLocation at)
        {
            byte value = reader.ReadByte();
            return value switch
            {
                0 => false,
                1 => true,
                _ => throw at.Error("the flag '" + name + "' is the byte " + CheckpointText.Hex(new[] { value }) + ", expected 00 or 01."),
            };
        }

        /// <summary>Reads an enum value written as an <see cref="int"/> and checks that it is defined.</summary>
        /// <typeparam name="TEnum">The enum type.</typeparam>
        /// <param name="reader">The reader.</param>
        /// <param name="name">The field's name, for the message.</param>
        /// <param name="at">The record's location.</param>
        public static TEnum ReadEnum<TEnum>(BinaryReader reader, string name, CheckpointLocation at)
            where TEnum : struct, Enum
        {
            int value = reader.ReadInt32();
            object boxed = Enum.ToObject(typeof(TEnum), value);
            if (!Enum.IsDefined(typeof(TEnum), boxed))
            {
                throw at.Error("the option '" + name + "' is " + value + ", which is not a " + typeof(TEnum).Name + " (expected one of " + string.Join(", ", Enum.GetNames(typeof(TEnum))) + ").");
            }

            return (TEnum)boxed;
        }

        /// <summary>Writes an optional dtype: a flag, then the dtype as an <see cref="int"/>.</summary>
        /// <param name="writer">The writer.</param>
        /// <param name="dtype">The dtype, or null.</param>
        public static void WriteScalarType(BinaryWriter writer, torch.ScalarType? dtype)
        {
            writer.Write(dtype.HasValue);
            if (dtype.HasValue)
            {
                writer.Write((int)dtype.Value);
            }
        }

        /// <summary>Reads what <see cref="WriteScalarType"/> wrote; the dtype must be one TorchSharp defines.</summary>
        /// <param name="reader">The reader.</param>
        /// <param name="name">The field's name, for the message.</param>
        /// <param name="at">The record's location.</param>
        public static torch.ScalarType? ReadScalarType(BinaryReader reader, string name, CheckpointLocation at)
        {
            if (!ReadBoolean(reader, name + " is set", at))
            {
                return null;
            }

            int code = reader.ReadInt32();
            return ToScalarType(code) ?? throw at.Error("the option '" + name + "' holds the dtype code " + code + ", which is not a TorchSharp dtype.");
        }

        /// <summary>Writes an optional double: a flag, then the value.</summary>
        /// <param name="writer">The writer.</param>
        /// <param name="value">The value, or null.</param>
        public static void WriteNullableDouble(BinaryWriter writer, double? value)
        {
            writer.Write(value.HasValue);
            if (value.HasValue)
            {
                writer.Write(value.Value);
            }
        }

        /// <summary>Reads what <see cref="WriteNullableDouble"/> wrote.</summary>
        /// <param name="reader">The reader.</param>
        /// <param name="name">The field's name, for the message.</param>
        /// <param name="at">The record's location.</param>
        public static double? ReadNullableDouble(BinaryReader reader, string name, CheckpointLocation at) =>
            ReadBoolean(reader, name + " is set", at) ? reader.ReadDouble() : null;

        /// <summary>Reads a per-parameter counter such as <c>skipped_steps</c>: a non-negative <see cref="long"/>.</summary>
        /// <param name="reader">The reader.</param>
        /// <param name="name">The counter's name, for the message.</param>
        /// <param name="at">The record's location.</param>
        public static long ReadCount(BinaryReader reader, string name, CheckpointLocation at)
        {
            long count = reader.ReadInt64();
            return count >= 0 ? count : throw at.Error("the counter " + name + " is " + count + ", expected a count (0 or more).");
        }

        /// <summary>Reads a parameter's step counter: a non-negative <see cref="long"/>.</summary>
        /// <param name="reader">The reader.</param>
        /// <param name="at">The record's location.</param>
        public static long ReadStep(BinaryReader reader, CheckpointLocation at)
        {
            long step = reader.ReadInt64();
            return step >= 0 ? step : throw at.Error("the step counter is " + step + ", expected a count of steps (0 or more).");
        }

        /// <summary>The dtype with this code, or null when TorchSharp defines none.</summary>
        internal static torch.ScalarType? ToScalarType(long code) =>
            code >= sbyte.MinValue && code <= sbyte.MaxValue && Enum.IsDefined(typeof(torch.ScalarType), (sbyte)code) ? (torch.ScalarType)(sbyte)code : null;

        /// <summary>Writes a non-negative integer in TorchSharp's LEB128 encoding (tensor headers, optimizer counts).</summary>
        internal static void WriteLeb128(BinaryWriter writer, long value)
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "LEB128 encodes non-negative integers only.");
            }

            do
            {
                byte b = (byte)(value & 0x7F);
                value >>= 7;
                writer.Write(value == 0 ? b : (byte)(b | 0x80));
            }
            while (value != 0);
        }

        /// <summary>
        /// Reads a LEB128 integer (TorchSharp's encoding) of at most <paramref name="max"/>; null when the bytes are not one
        /// (more than 10 bytes, or a value above <paramref name="max"/>). <paramref name="raw"/> receives the bytes consumed.
        /// </summary>
        internal static long? TryReadLeb128(BinaryReader reader, long max, List<byte>? raw = null)
        {
            ulong value = 0;
            for (int shift = 0; shift < 70; shift += 7)
            {
                byte b = reader.ReadByte();
                raw?.Add(b);
                if (shift == 63 && b > 1)
                {
                    return null;
                }

                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value <= (ulong)max ? (long)value : null;
                }
            }

            return null;
        }
    }
}
