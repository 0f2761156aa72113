using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OptimDsl.Tests.Replay
{
    /// <summary>One recorded run of a reference optimizer (format: ../shared/refvectors/README.md).</summary>
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

        public static RefVectorCase Read(string path)
        {
            RefVectorCase c = JsonSerializer.Deserialize<RefVectorCase>(System.IO.File.ReadAllText(path))
                ?? throw new InvalidDataException("Empty case file " + path);
            c.File = Path.GetFileName(path);
            return c;
        }
    }
}
