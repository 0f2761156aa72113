using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Factored
{
    /// <summary>A recorded reference run (<see cref="Replay.RefVectorCase"/>) with typed accessors to its config.</summary>
    public sealed class FactoredCase : Replay.RefVectorCase
    {
        public static new FactoredCase Read(string path)
        {
            FactoredCase c = JsonSerializer.Deserialize<FactoredCase>(System.IO.File.ReadAllText(path))
                ?? throw new InvalidDataException("Empty case file " + path);
            c.File = Path.GetFileName(path);
            return c;
        }

        /// <summary>
        /// File names (in <see cref="Directory"/>) of every case whose <c>reference</c> is <paramref name="reference"/>; files
        /// that are not case objects (index.json) are skipped.
        /// </summary>
        public static IEnumerable<object[]> FilesFor(string reference)
        {
            string dir = Directory;
            if (!System.IO.Directory.Exists(dir))
            {
                yield break;
            }

            foreach (string path in System.IO.Directory.EnumerateFiles(dir, "*.json").OrderBy(p => p, StringComparer.Ordinal))
            {
                string? found = null;
                try
                {
                    using JsonDocument doc = JsonDocument.Parse(System.IO.File.ReadAllText(path));
                    if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("reference", out JsonElement r) && r.ValueKind == JsonValueKind.String)
                    {
                        found = r.GetString();
                    }
                }
                catch (JsonException)
                {
                }

                if (found == reference)
                {
                    yield return new object[] { Path.GetFileName(path) };
                }
            }
        }

        public static FactoredCase Load(string fileName) => Read(Path.Combine(Directory, fileName));

        /// <summary>OPTIMDSL_REFVECTORS if set, else the repository's tests/refvectors.</summary>
        public static string Directory => Support.RepositoryPaths.RefVectors;

        public static string RepoRoot() => Support.RepositoryPaths.Root;

        public ScalarType ScalarType => DType switch
        {
            "float64" => ScalarType.Float64,
            "float32" => ScalarType.Float32,
            _ => throw new NotSupportedException("dtype " + DType),
        };

        public Tensor Tensor(double[] values, int param, ScalarType? dtype = null) =>
            tensor(values, dtype: ScalarType.Float64).reshape(Shapes[param]).to(dtype ?? ScalarType);
    }

    /// <summary>Element-wise comparison with a relative tolerance and an absolute floor.</summary>
    public static class Compare
    {
        public const double Relative = 1e-9;
        public const double AbsoluteFloor = 1e-12;

        /// <summary>Null when every |a−e| ≤ max(rel·|e|, floor), else a description of the worst element.</summary>
        public static string? Mismatch(double[] actual, double[] expected, double rel = Relative, double floor = AbsoluteFloor)
        {
            if (actual.Length != expected.Length)
            {
                return $"length {actual.Length} != {expected.Length}";
            }

            string? worst = null;
            double worstRatio = 1;
            for (int k = 0; k < actual.Length; k++)
            {
                double err = Math.Abs(actual[k] - expected[k]);
                double allowed = Math.Max(rel * Math.Abs(expected[k]), floor);
                double ratio = double.IsNaN(err) ? double.PositiveInfinity : err / allowed;
                if (ratio > worstRatio)
                {
                    worstRatio = ratio;
                    worst = $"element {k}: actual {actual[k]:R}, expected {expected[k]:R}, |diff| {err:E3} > {allowed:E3}";
                }
            }

            return worst;
        }

        /// <summary>Largest |a−e| / max(|e|, floor/rel) (a relative error with the floor applied).</summary>
        public static double MaxRelative(double[] actual, double[] expected, double rel = Relative, double floor = AbsoluteFloor)
        {
            double worst = 0;
            for (int k = 0; k < actual.Length; k++)
            {
                double err = Math.Abs(actual[k] - expected[k]);
                worst = Math.Max(worst, err / Math.Max(Math.Abs(expected[k]), floor / rel));
            }

            return worst;
        }

        public static double[] Values(Tensor t)
        {
            using Tensor c = t.detach().to(ScalarType.Float64).cpu().contiguous();
            return c.data<double>().ToArray();
        }
    }
}
