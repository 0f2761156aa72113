using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OptimDsl.Tests.Replay
{
    /// <summary>One recorded run of a reference optimizer (format: tests/refvectors/README.md).</summary>
    public class RefVectorCase
    {
        [JsonPropertyName("name")] public string Name { get; set; } = "";
        [JsonPropertyName("reference")] public string Reference { get; set; } = "";
        [JsonPropertyName("config")] public Dictionary<string, JsonElement> Config { get; set; } = new();
        [JsonPropertyName("dtype")] public string DType { get; set; } = "float64";
        [JsonPropertyName("steps")] public int Steps { get; set; }
        [JsonPropertyName("shapes")] public long[][] Shapes { get; set; } = [];
        [JsonPropertyName("init")] public double[][] Init { get; set; } = [];
        [JsonPropertyName("grads")] public double[][][] Grads { get; set; } = [];
        [JsonPropertyName("expected")] public double[][][] Expected { get; set; } = [];

        public string File { get; set; } = "";

        // Typed access to the config (PyTorch keyword arguments); absent keys take the given fallback.
        public double Number(string key, double fallback) =>
            Config.TryGetValue(key, out JsonElement e) && e.ValueKind == JsonValueKind.Number ? e.GetDouble() : fallback;

        public double? NullableNumber(string key, double? fallback) =>
            !Config.TryGetValue(key, out JsonElement e) ? fallback : e.ValueKind == JsonValueKind.Null ? null : e.GetDouble();

        public bool Flag(string key, bool fallback) =>
            Config.TryGetValue(key, out JsonElement e) && (e.ValueKind == JsonValueKind.True || e.ValueKind == JsonValueKind.False) ? e.GetBoolean() : fallback;

        public double[] Pair(string key, double first, double second)
        {
            if (Config.TryGetValue(key, out JsonElement e) && e.ValueKind == JsonValueKind.Array)
            {
                double[] v = e.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Null ? double.NaN : x.GetDouble()).ToArray();
                return v;
            }

            return new[] { first, second };
        }

        public string String(string key, string fallback) =>
            Config.TryGetValue(key, out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : fallback;

        public static RefVectorCase Read(string path)
        {
            RefVectorCase c = JsonSerializer.Deserialize<RefVectorCase>(System.IO.File.ReadAllText(path))
                ?? throw new InvalidDataException("Empty case file " + path);
            c.File = Path.GetFileName(path);
            return c;
        }
    }
}
