using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using OptimDsl.Tests.Fused;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Soak
{
    /// <summary>The soak runs alone: the resident set is a property of the whole process.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class SoakCollection
    {
        public const string Name = "Soak";
    }

    /// <summary>
    /// Long runs of every catalog optimizer on a small model (three parameters, 81 elements, float32, the loss
    /// <c>½‖p − target‖²</c> with a target that moves among 17 points of different scales, and one parameter without a
    /// gradient every seventh step, so that critical buffers keep admitting and evicting): 10,000 steps on the default path (the fused kernels, on the CPU) and 4,000 with tensor
    /// operations (<c>fused: false</c>, about five times slower per step on such a model), so that the whole soak stays well
    /// within a minute on two cores (about 30 s measured). After a warm-up of <see cref="Warmup"/> steps — lazily created state, slot views, thread-local
    /// scratch — the number of live native tensors (TorchSharp's per-thread dispose-scope statistics) must not change at any
    /// later step, and the process's resident set, measured after a full garbage collection, may not grow by more than
    /// <see cref="RssBoundBytes"/>. Not a timing test: the steps' durations are only reported.
    /// </summary>
    [Collection(SoakCollection.Name)]
    public sealed class SoakTests
    {
        /// <summary>Steps before the measurements start.</summary>
        public const int Warmup = 200;

        /// <summary>
        /// The largest growth of the resident set allowed after the warm-up: 16 MiB, four times the largest fluctuation observed
        /// (garbage-collector and allocator noise of ±4 MiB in either direction over these runs), so a native leak of more than
        /// about 1.6 KiB per step on the fused path (4 KiB with tensor operations) fails; tensors themselves are counted exactly.
        /// </summary>
        public const long RssBoundBytes = 16L << 20;

        private static readonly long[][] Shapes = { new long[] { 8, 4 }, new long[] { 8, 5 }, new long[] { 9 } };

        private readonly ITestOutputHelper _output;

        public SoakTests(ITestOutputHelper output) => _output = output;

        public static IEnumerable<object[]> Cases() =>
            from name in CatalogOptimizers.All.Select(t => t.Name)
            from fused in new[] { true, false }
            select new object[] { name, fused };

        [Theory]
        [MemberData(nameof(Cases))]
        public void Live_tensors_and_resident_memory_stay_constant(string optimizer, bool fused)
        {
            int steps = fused ? 10_000 : 4_000;
            using var scope = NewDisposeScope();
            Parameter[] parameters = Shapes.Select((s, i) => new Parameter(randn(s, generator: new Generator((ulong)i)))).ToArray();
            Tensor[][] targets = Enumerable.Range(0, 17)
                .Select(k => Shapes.Select((s, i) => Target(s, 100 * k + i, 0.25 * (1 + k % 5))).ToArray())
                .ToArray();
            Tensor[] gradients = Shapes.Select(s => zeros(s)).ToArray();
            using OptimizerHelper opt = CatalogOptimizers.Create(CatalogOptimizers.Named(optimizer), parameters, fused ? null : false);

            for (int t = 0; t < Warmup; t++)
            {
                Step(opt, parameters, gradients, targets, t);
            }

            long rssBefore = ResidentBytes();
            DisposeScopeManager.Statistics.Reset();
            var watch = Stopwatch.StartNew();
            for (int t = Warmup; t < Warmup + steps; t++)
            {
                Step(opt, parameters, gradients, targets, t);
                long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
                if (live != 0)
                {
                    Assert.Fail($"{optimizer} (fused: {fused}), step {t + 1}: {live} more live tensors than after the warm-up; {DisposeScopeManager.Statistics}");
                }
            }

            watch.Stop();
            long rssAfter = ResidentBytes();
            _output.WriteLine($"{optimizer} (fused: {fused}): {steps} steps, {watch.Elapsed.TotalMilliseconds * 1000 / steps:F0} µs/step; "
                + $"resident {rssBefore >> 10} KiB after the warm-up, {rssAfter >> 10} KiB after ({(rssAfter - rssBefore) >> 10:+#;-#;0} KiB)");
            Assert.True(rssAfter - rssBefore <= RssBoundBytes,
                $"{optimizer} (fused: {fused}): the resident set grew by {(rssAfter - rssBefore) >> 10} KiB over {steps} steps (bound {RssBoundBytes >> 10} KiB)");
            Assert.All(parameters, p => Assert.True(p.isfinite().all().item<bool>(), optimizer + ": a parameter is not finite after the soak"));
        }

        private static Tensor Target(long[] shape, int seed, double scale)
        {
            using Scalar factor = scale;
            return randn(shape, generator: new Generator((ulong)seed)).mul_(factor);
        }

        // The gradient p − target, written in place into preallocated tensors (in a scope of its own, so the operations' result
        // wrappers are released at once) and assigned with the setter; every seventh step the last parameter has none.
        private static void Step(OptimizerHelper optimizer, Parameter[] parameters, Tensor[] gradients, Tensor[][] targets, int t)
        {
            Tensor[] target = targets[t % targets.Length];
            using (NewDisposeScope())
            using (no_grad())
            {
                for (int i = 0; i < parameters.Length; i++)
                {
                    gradients[i].copy_(parameters[i]).sub_(target[i]);
                }
            }

            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i].grad = i == parameters.Length - 1 && t % 7 == 6 ? null : gradients[i];
            }

            optimizer.step();
        }

        // The resident set after a full collection (finalizers included), from /proc/self/statm where there is one.
        private static long ResidentBytes()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            const string statm = "/proc/self/statm";
            if (File.Exists(statm))
            {
                string[] fields = File.ReadAllText(statm).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
            }

            using var self = Process.GetCurrentProcess();
            return self.WorkingSet64;
        }
    }
}
