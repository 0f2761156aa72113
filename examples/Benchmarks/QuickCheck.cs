using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Benchmarks
{
    /// <summary>
    /// <c>--quick</c>: a smoke run for CI, about ten seconds. (1) Every benchmarked pair (built-in vs generated) takes
    /// five steps from identical models and must end at the same parameters; (2) every benchmark class runs once
    /// in-process on the 100K model with BenchmarkDotNet's dry job; (3) the bandwidth bound and the memory report run on
    /// the 100K model. Exit code 0 only if all of it worked.
    /// </summary>
    internal static class QuickCheck
    {
        public static int Run()
        {
            var c = CultureInfo.InvariantCulture;
            int failures = 0;
            BenchmarkEnvironment.Apply();
            Console.WriteLine("// " + BenchmarkEnvironment.Describe());

            Console.WriteLine("== 1. generated vs built-in: 5 steps from the same 100K model");
            foreach (BandwidthBound.Family family in BandwidthBound.Families)
            {
                using SyntheticModel a = SyntheticModel.Create(ModelShape.Tiny);
                using SyntheticModel b = SyntheticModel.Create(ModelShape.Tiny);
                using optim.Optimizer builtIn = family.BuiltIn(a.Parameters);
                using optim.Optimizer generated = family.Generated(b.Parameters);
                for (int i = 0; i < 5; i++)
                {
                    builtIn.step();
                    generated.step();
                }

                double diff = a.MaxAbsDifference(b);
                bool ok = diff <= 1e-6;
                failures += ok ? 0 : 1;
                Console.WriteLine(string.Create(c, $"   {family.Name,-20} max |Δparam| = {diff:G3}  {(ok ? "ok" : "MISMATCH")}"));
            }

            Console.WriteLine("== 2. BenchmarkDotNet, in-process dry run on the 100K model");
            BenchmarkSizes.Quick = true;
            IConfig config = ManualConfig.CreateMinimumViable()
                .AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance).WithId("Quick"))
                .WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.JoinSummary)
                .WithArtifactsPath(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "OptimDsl.Benchmarks.Quick"));
            Summary[] summaries = BenchmarkRunner.Run(Program.BenchmarkTypes, config);
            int cases = summaries.Sum(s => s.Reports.Length);
            int broken = summaries.Sum(s => s.Reports.Count(r => !r.Success)) + summaries.Count(s => s.HasCriticalValidationErrors);
            failures += broken;
            Console.WriteLine($"   {cases} benchmark cases ran, {broken} failed");
            if (cases == 0) failures++;

            Console.WriteLine("== 3. bandwidth bound and state memory on the 100K model");
            var rows = BandwidthBound.Measure(new[] { ModelShape.Tiny }, warmup: 2, steps: 5);
            BandwidthBound.Print(rows, line => Console.WriteLine("   " + line));
            var memory = StateMemoryReport.Measure(ModelShape.Tiny);
            StateMemoryReport.Print(memory, ModelShape.Get(ModelShape.Tiny), line => Console.WriteLine("   " + line));
            if (rows.Any(r => !(r.GeneratedMs > 0) || !(r.CopyGBps > 0)) || memory.Any(r => r.Bytes <= 0)) failures++;

            Console.WriteLine(failures == 0 ? "quick check: passed" : $"quick check: FAILED ({failures} problem(s))");
            return failures == 0 ? 0 : 1;
        }
    }
}
