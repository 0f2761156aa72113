using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OptimDsl.Examples.Landscapes.Results
{
    /// <summary>Writes and reads <c>results.json</c>: a JSON array with one <see cref="RunRecord"/> per run, in run order.</summary>
    internal static class ResultsWriter
    {
        private static readonly JsonSerializerOptions Options = new()
        {
            WriteIndented = true,
            Converters = { new FiniteOrNullConverter() },
        };

        /// <summary>The JSON text of <paramref name="records"/>.</summary>
        public static string ToJson(IEnumerable<RunRecord> records) => JsonSerializer.Serialize(records, Options);

        /// <summary>The records of a <c>results.json</c> text (non-finite numbers come back as NaN).</summary>
        public static IReadOnlyList<RunRecord> FromJson(string json) =>
            JsonSerializer.Deserialize<List<RunRecord>>(json, Options) ?? throw new JsonException("results.json holds null.");

        /// <summary>Writes <paramref name="records"/> to <paramref name="path"/> (UTF-8, indented, newline at the end).</summary>
        public static void Write(string path, IEnumerable<RunRecord> records)
        {
            File.WriteAllText(path, ToJson(records) + Environment.NewLine);
        }

        /// <summary>Doubles as JSON numbers, non-finite ones (a diverged run) as null, since JSON has no NaN or infinity.</summary>
        private sealed class FiniteOrNullConverter : JsonConverter<double>
        {
            public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
                reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

            public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
            {
                if (double.IsFinite(value)) writer.WriteNumberValue(value);
                else writer.WriteNullValue();
            }

            public override bool HandleNull => true;
        }
    }
}
