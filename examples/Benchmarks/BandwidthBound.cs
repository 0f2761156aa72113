using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Benchmarks
{
    /// <summary>
    /// A memory-bandwidth lower bound for optimizer steps. On a CPU an element-wise step over N float32 parameters
    /// cannot run faster than the bytes it must move divided by the bandwidth this machine reaches for a plain copy:
    /// <list type="bullet">
    /// <item>Adam / AdamW: read param, grad, m, v and write param, m, v: 7 × 4 × N bytes (a fully fused kernel);</item>
    /// <item>SGD with momentum: read param, grad, buf and write param, buf: 5 × 4 × N bytes.</item>
    /// </list>
    /// The bandwidth is measured with <c>dst.copy_(src)</c> (2 × 4 × numel bytes per copy) on a copy that moves as many
    /// bytes as the step (capped at 256 MiB per tensor, well past the caches), so the bound and the step see the same
    /// cache level. A second bound counts the traffic of the operations the step actually issues (TorchSharp has no fused
    /// or multi-tensor optimizer kernels, so every in-place op is one pass over memory).
    /// </summary>
    internal static class BandwidthBound
    {
        private const long MaxCopyElements = 64L << 20; // 64 Mi floats = 256 MiB per tensor

        internal sealed record Family(
            string Name,
            int MinimalAccesses,
            int ExecutedAccesses,
            string ExecutedOps,
            Func<IEnumerable<Parameter>, optim.Optimizer> BuiltIn,
            Func<IEnumerable<Parameter>, optim.Optimizer> Generated);

        internal sealed record Row(
            Family Family,
            ModelShape Shape,
            double MinimalBytes,
            double CopyGBps,
            double BoundMs,
            double ExecutedBoundMs,
            double BuiltInMs,
            double GeneratedMs,
            double PairedRatio);

        /// <summary>Adam, AdamW and SGD-momentum with the benchmarks' hyper-parameters.</summary>
        public static IReadOnlyList<Family> Families { get; } = new[]
        {
            new Family("Adam", 7, 20,
                "m.mul_ 2, m.add_ 3, v.mul_ 2, v.addcmul_ 3, sqrt 2, div_ 2, add_ 2, p.addcdiv_ 4",
                p => torch.optim.Adam(p, lr: 1e-3),
                p => new global::OptimDsl.Optimizers.Adam(p, lr: 1e-3)),
            new Family("AdamW", 7, 22,
                "p.mul_ 2 + Adam's 20",
                p => torch.optim.AdamW(p, lr: 1e-3, weight_decay: 0.01),
                p => new global::OptimDsl.Optimizers.AdamW(p, lr: 1e-3, weight_decay: 0.01)),
            new Family("SGD (momentum 0.9)", 5, 8,
                "buf.mul_ 2, buf.add_ 3, p.add_ 3",
                p => torch.optim.SGD(p, 1e-3, momentum: 0.9),
                p => new global::OptimDsl.Optimizers.SGD(p, lr: 1e-3, momentum: 0.9)),
        };

        /// <summary>
        /// Fastest of <paramref name="repetitions"/> timings of <c>dst.copy_(src)</c> on <paramref name="numel"/> float32
        /// elements, and the resulting GB/s: the best bandwidth observed, so the bound stays a lower bound.
        /// </summary>
        public static (double Seconds, double GBps) MeasureCopy(long numel, int repetitions = 20)
        {
            using var scope = torch.NewDisposeScope();
            Tensor src = torch.rand(numel);
            Tensor dst = torch.empty(numel);
            for (int i = 0; i < 3; i++) dst.copy_(src);
            var times = new double[repetitions];
            for (int i = 0; i < repetitions; i++)
            {
                long start = Stopwatch.GetTimestamp();
                dst.copy_(src);
                times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }

            double best = times.Min();
            return (best, 2.0 * 4 * numel / best / 1e9);
        }

        /// <summary>
        /// Step times of the built-in and the generated optimizer, measured <b>interleaved</b> on two identical models
        /// (rounds alternate AB / BA), so that load changes on a shared machine hit both alike: the medians of each and
        /// the median of the per-round ratio generated / built-in.
        /// </summary>
        public static (double BuiltInMs, double GeneratedMs, double Ratio) MeasurePair(Family family, string size, int warmup, int rounds)
        {
            using SyntheticModel a = SyntheticModel.Create(size);
            using SyntheticModel b = SyntheticModel.Create(size);
            using optim.Optimizer builtIn = family.BuiltIn(a.Parameters);
            using optim.Optimizer generated = family.Generated(b.Parameters);
            for (int i = 0; i < warmup; i++)
            {
                builtIn.step();
                generated.step();
            }

            static double Time(optim.Optimizer o)
            {
                long start = Stopwatch.GetTimestamp();
                o.step();
                return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            var tb = new double[rounds];
            var tg = new double[rounds];
            var ratio = new double[rounds];
            for (int i = 0; i < rounds; i++)
            {
                if (i % 2 == 0)
                {
                    tb[i] = Time(builtIn);
                    tg[i] = Time(generated);
                }
                else
                {
                    tg[i] = Time(generated);
                    tb[i] = Time(builtIn);
                }

                ratio[i] = tg[i] / tb[i];
            }

            return (Median(tb), Median(tg), Median(ratio));
        }

        public static IReadOnlyList<Row> Measure(IEnumerable<string> sizes, int warmup = 10, int steps = 60, Action<string>? log = null)
        {
            var rows = new List<Row>();
            var copyCache = new Dictionary<long, double>();
            double Bandwidth(long bytes)
            {
                long numel = Math.Min(MaxCopyElements, Math.Max(1, bytes / 8));
                if (!copyCache.TryGetValue(numel, out double gbps))
                {
                    gbps = MeasureCopy(numel).GBps;
                    copyCache[numel] = gbps;
                    log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"copy of {numel:N0} float32: {gbps:F2} GB/s"));
                }

                return gbps;
            }

            foreach (string size in sizes)
            {
                ModelShape shape = ModelShape.Get(size);
                foreach (Family family in Families)
                {
                    double minimalBytes = 4.0 * family.MinimalAccesses * shape.Numel;
                    double executedBytes = 4.0 * family.ExecutedAccesses * shape.Numel;
                    double gbps = Bandwidth((long)minimalBytes);
                    double executedGbps = Bandwidth((long)executedBytes);
                    var (builtIn, generated, ratio) = MeasurePair(family, size, warmup, steps);
                    log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{family.Name} {size}: TorchSharp {builtIn:F3} ms, OptimDsl {generated:F3} ms, paired ratio {ratio:F2}"));
                    rows.Add(new Row(family, shape, minimalBytes, gbps, minimalBytes / (gbps * 1e9) * 1e3,
                        executedBytes / (executedGbps * 1e9) * 1e3, builtIn, generated, ratio));
                }
            }

            return rows;
        }

        /// <summary>Prints the rows as a Markdown table (paste-able into docs/BENCHMARKS.md).</summary>
        public static void Print(IReadOnlyList<Row> rows, Action<string> write)
        {
            var c = CultureInfo.InvariantCulture;
            write("| optimizer | size | minimal traffic | copy bandwidth | lower bound | bound of the issued ops | TorchSharp step | OptimDsl step | OptimDsl / TorchSharp | efficiency (bound / OptimDsl) |");
            write("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (Row r in rows)
            {
                write(string.Format(c,
                    "| {0} | {1} | {2}×4 B×N = {3:F1} MB | {4:F1} GB/s | {5:F2} ms | {6:F2} ms ({7}×4 B×N) | {8:F2} ms | {9:F2} ms | {10:F2} | {11:P0} |",
                    r.Family.Name, r.Shape.Name, r.Family.MinimalAccesses, r.MinimalBytes / 1e6, r.CopyGBps, r.BoundMs,
                    r.ExecutedBoundMs, r.Family.ExecutedAccesses, r.BuiltInMs, r.GeneratedMs, r.PairedRatio, r.BoundMs / r.GeneratedMs));
            }

            write("");
            write("Step times are medians of interleaved rounds (built-in, generated alternately, on two identical models); the ratio is the median of the per-round ratios.");
            foreach (Family f in Families)
            {
                write($"* {f.Name}: issued ops and their element accesses (reads + writes): {f.ExecutedOps} = {f.ExecutedAccesses}.");
            }
        }

        private static double Median(double[] values)
        {
            var sorted = values.OrderBy(v => v).ToArray();
            int n = sorted.Length;
            return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
        }
    }
}
