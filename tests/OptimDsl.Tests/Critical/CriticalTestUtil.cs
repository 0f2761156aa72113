using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using OptimDsl.Runtime;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Critical
{
    /// <summary>Helpers shared by the critical-buffer tests.</summary>
    internal static class CriticalTestUtil
    {
        /// <summary>A float64 CPU tensor.</summary>
        public static Tensor T(params double[] values) => tensor(values, dtype: ScalarType.Float64);

        public static double[] Host(Tensor t) => t.to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();

        public static void AssertClose(double[] expected, double[] actual, double tol = 1e-9, string? what = null)
        {
            Assert.True(expected.Length == actual.Length,
                $"{what}: expected {expected.Length} values [{string.Join(", ", expected)}], got {actual.Length} [{string.Join(", ", actual)}]");
            for (int i = 0; i < expected.Length; i++)
            {
                double e = expected[i];
                double a = actual[i];
                bool ok = double.IsNaN(e) ? double.IsNaN(a) : e == a || Math.Abs(e - a) <= tol * Math.Max(1.0, Math.Abs(e));
                if (!ok)
                {
                    // The message lists every value: build it only for a failure.
                    Assert.Fail($"{what}[{i}]: expected {e:R}, got {a:R} (all: [{string.Join(", ", actual.Select(v => v.ToString("R")))}])");
                }
            }
        }

        public static void AssertClose(double[] expected, Tensor actual, double tol = 1e-9, string? what = null) =>
            AssertClose(expected, Host(actual), tol, what);

        /// <summary>Same dtype, shape and bytes (stricter than torch.equal: NaN payloads and signed zeros count).</summary>
        public static void AssertBitEqual(Tensor expected, Tensor actual, string? what = null)
        {
            Assert.True(expected.dtype == actual.dtype, $"{what}: dtype {expected.dtype} vs {actual.dtype}");
            Assert.True(expected.shape.SequenceEqual(actual.shape), $"{what}: shape [{string.Join(",", expected.shape)}] vs [{string.Join(",", actual.shape)}]");
            var a = expected.cpu().contiguous().bytes.ToArray();
            var b = actual.cpu().contiguous().bytes.ToArray();
            Assert.True(a.SequenceEqual(b), $"{what}: tensors differ");
        }

        public static void AssertBitEqual(double[] expected, double[] actual, string? what = null)
        {
            Assert.True(expected.Length == actual.Length, $"{what}: length {expected.Length} vs {actual.Length}");
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i]),
                    $"{what}[{i}]: {expected[i]:R} vs {actual[i]:R}");
            }
        }

        /// <summary>Save, then load into a fresh buffer built from the same constructor arguments.</summary>
        public static CriticalBuffer RoundTrip(CriticalBuffer source, Func<CriticalBuffer> fresh)
        {
            using var ms = new MemoryStream();
            using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                source.Save(w);
            }

            ms.Position = 0;
            var copy = fresh();
            using (var r = new BinaryReader(ms, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                copy.Load(r);
            }

            Assert.Equal(ms.Length, ms.Position);
            return copy;
        }

        /// <summary>The repository root (the folder holding src/ and tests/).</summary>
        public static string RepoRoot([CallerFilePath] string thisFile = "")
        {
            foreach (var start in new[] { Path.GetDirectoryName(thisFile), AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            {
                for (var dir = start; !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
                {
                    if (File.Exists(Path.Combine(dir, "src", "Runtime", "Critical", "SlotCriticalBuffer.cs")))
                    {
                        return dir;
                    }
                }
            }

            throw new DirectoryNotFoundException("Could not find the repository root (src/Runtime/Critical/SlotCriticalBuffer.cs).");
        }
    }
}
