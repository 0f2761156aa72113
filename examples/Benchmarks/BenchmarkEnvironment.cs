using System;
using System.Globalization;
using TorchSharp;

namespace OptimDsl.Benchmarks
{
    /// <summary>
    /// Process-wide settings every benchmark applies before it builds tensors, so in-process and out-of-process runs
    /// measure the same thing.
    /// </summary>
    internal static class BenchmarkEnvironment
    {
        /// <summary>Environment variable with the number of TorchSharp (intra-op) threads; default 1.</summary>
        public const string ThreadsVariable = "OPTIMDSL_BENCH_THREADS";

        /// <summary>
        /// The <c>GLIBC_TUNABLES</c> value of the <c>--keep-heap</c> job: glibc never returns freed memory to the kernel
        /// (no mmap for large blocks, no trimming), so a temporary tensor reuses pages the process already touched.
        /// </summary>
        public const string KeepHeapTunables = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736";

        /// <summary>
        /// Sets TorchSharp's intra-op thread count from <see cref="ThreadsVariable"/> (default 1). One thread by default:
        /// on the project's 2-vCPU machines, which builds and tests share, a 2-thread element-wise op waits for its second
        /// OpenMP worker to be scheduled, and its time jumps in ~4 ms steps (a 1M-element <c>mul_</c> took 8 ms with two
        /// threads and 0.04 ms with one). Set <c>OPTIMDSL_BENCH_THREADS=2</c> on a quiet machine to use both cores.
        /// </summary>
        public static int Apply()
        {
            int threads = 1;
            string? text = Environment.GetEnvironmentVariable(ThreadsVariable);
            if (!string.IsNullOrWhiteSpace(text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0)
            {
                threads = n;
            }

            if (torch.get_num_threads() != threads)
            {
                torch.set_num_threads(threads);
            }

            return threads;
        }

        public static string Describe() => string.Create(CultureInfo.InvariantCulture,
            $".NET {Environment.Version}, TorchSharp {typeof(torch).Assembly.GetName().Version}, {Environment.ProcessorCount} logical CPUs, " +
            $"torch threads {torch.get_num_threads()} ({ThreadsVariable}), GLIBC_TUNABLES={Environment.GetEnvironmentVariable("GLIBC_TUNABLES") ?? "(unset)"}");
    }
}
