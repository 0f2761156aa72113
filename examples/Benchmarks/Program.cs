using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TorchSharp;

namespace OptimDsl.Benchmarks
{
    /// <summary>
    /// Entry point. Without a mode flag the arguments go to BenchmarkDotNet
    /// (<c>dotnet run -c Release --project examples/Benchmarks -- --filter '*'</c>).
    /// </summary>
    internal static class Program
    {
        private const string Usage = """
            OptimDsl benchmarks: optimizer step time of the generated optimizers vs TorchSharp's built-ins.

              dotnet run -c Release --project examples/Benchmarks -- --filter '*'          all BenchmarkDotNet benchmarks
              dotnet run -c Release --project examples/Benchmarks -- --filter '*AdamStep*' one family (AdamStep, AdamWStep,
                                                                                          SgdMomentumStep, CopyBandwidth,
                                                                                          CriticalStep)
              dotnet run -c Release --project examples/Benchmarks -- --list flat           list them
              dotnet run -c Release --project examples/Benchmarks -- --bound               memory-bandwidth lower bound table
              dotnet run -c Release --project examples/Benchmarks -- --memory              optimizer state bytes per parameter
              dotnet run -c Release --project examples/Benchmarks -- --quick               in-process smoke run (CI, ~10 s)
              dotnet run -c Release --project examples/Benchmarks -- --paths               fused kernels vs tensor operations vs
                                                                                          TorchSharp's Adam, three model shapes,
                                                                                          1 and 2 threads (docs/BENCHMARKS.md)

            Options with BenchmarkDotNet runs:
              --inprocess    run the benchmarks in this process (InProcessEmitToolchain) instead of a generated,
                             separately built project per run
              --keep-heap    add a second job whose processes keep freed memory (GLIBC_TUNABLES, see
                             BenchmarkEnvironment.cs): separates the cost of fresh pages for temporaries from the math
            Environment:
              OPTIMDSL_BENCH_THREADS=N   TorchSharp threads (default 1; see BenchmarkEnvironment.cs)
              anything else  BenchmarkDotNet's own options (--filter, --list, --exporters, ...; see its --help)
            Options with --bound:
              --sizes 1M,10M model sizes (1M, 10M, 100K)
            Options with --paths:
              --models 10M,2000x500,1000x100x100   --threads 1,2   --rounds 7   --steps 3

            Critical-buffer benchmarks (Adam_C, Adam_CM) and rows of the memory report are compiled only with
            -p:CriticalCatalog=true, e.g.
              dotnet run -c Release -p:CriticalCatalog=true --project examples/Benchmarks -- --filter '*CriticalStep*'
            """;

        internal static Type[] BenchmarkTypes { get; } =
        {
            typeof(AdamStep),
            typeof(AdamWStep),
            typeof(SgdMomentumStep),
            typeof(CopyBandwidth),
            typeof(FactoredStep),
#if CRITICAL_CATALOG
            typeof(CriticalStep),
#endif
        };

        private static int Main(string[] args)
        {
            if (args.Contains("-h") || args.Contains("--help") || args.Contains("-?"))
            {
                Console.WriteLine(Usage);
                return 0;
            }

            if (args.Contains("--quick"))
            {
                return QuickCheck.Run();
            }

            if (args.Contains("--paths"))
            {
                return FusedPaths.Run(args);
            }

            if (args.Contains("--bound"))
            {
                string[] sizes = { ModelShape.Small, ModelShape.Large };
                int at = Array.IndexOf(args, "--sizes");
                if (at >= 0 && at + 1 < args.Length)
                {
                    sizes = args[at + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                }

                BenchmarkEnvironment.Apply();
                PrintEnvironment();
                var rows = BandwidthBound.Measure(sizes, log: line => Console.Error.WriteLine("// " + line));
                Console.WriteLine();
                BandwidthBound.Print(rows, Console.WriteLine);
                return 0;
            }

            if (args.Contains("--memory"))
            {
                BenchmarkEnvironment.Apply();
                PrintEnvironment();
                var rows = StateMemoryReport.Measure();
                StateMemoryReport.Print(rows, ModelShape.Get(ModelShape.Small), Console.WriteLine);
                return 0;
            }

            bool inProcess = args.Contains("--inprocess");
            bool keepHeap = args.Contains("--keep-heap");
            if (inProcess && keepHeap)
            {
                Console.Error.WriteLine("error: --keep-heap needs out-of-process runs (the allocator reads GLIBC_TUNABLES at process start); drop --inprocess.");
                return 2;
            }

            string[] rest = args.Where(a => a != "--inprocess" && a != "--keep-heap").ToArray();
            IEnumerable<Summary> summaries = BenchmarkSwitcher.FromTypes(BenchmarkTypes).Run(rest, CreateConfig(inProcess, keepHeap));
            return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
        }

        /// <summary>
        /// One launch, 3 warm-up and 10 measured iterations per case (BenchmarkDotNet picks the invocations per
        /// iteration), plus managed allocations per step.
        /// </summary>
        private static IConfig CreateConfig(bool inProcess, bool keepHeap)
        {
            Job job = Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).WithId("Step");
            if (inProcess)
            {
                job = job.WithToolchain(InProcessEmitToolchain.Instance);
            }
#if CRITICAL_CATALOG
            else
            {
                // The generated project rebuilds this one: pass the switch on, or it would not contain CriticalStep.
                job = job.WithArguments(new[] { new MsBuildArgument("/p:CriticalCatalog=true") });
            }
#endif

            ManualConfig config = ManualConfig.Create(DefaultConfig.Instance)
                .AddJob(job)
                .AddDiagnoser(MemoryDiagnoser.Default)
                .AddColumn(StatisticColumn.Median)
                .HideColumns("EnvironmentVariables", "Arguments", "Gen0", "Gen1", "Gen2")
                .AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByJob, BenchmarkLogicalGroupRule.ByParams);
            if (keepHeap)
            {
                config.AddJob(job
                    .WithEnvironmentVariables(new EnvironmentVariable("GLIBC_TUNABLES", BenchmarkEnvironment.KeepHeapTunables))
                    .WithId("KeepHeap"));
            }

            return config;
        }

        private static void PrintEnvironment() => Console.WriteLine("// " + BenchmarkEnvironment.Describe());
    }
}
