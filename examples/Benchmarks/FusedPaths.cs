using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using O = OptimDsl.Optimizers;

namespace OptimDsl.Benchmarks
{
    /// <summary>
    /// <c>--paths</c>: step times of the generated optimizers on both back ends (fused CPU kernels and tensor operations)
    /// against TorchSharp's Adam, on three model shapes and with 1 and 2 threads, and the memory bound of a one-pass Adam
    /// from a copy timed in the same process. Every contender has its own parameters and gradients (float32; N(0, 0.02²)
    /// weights, N(0, 1) gradients, fixed across steps, so every critical-buffer offer is admitted: the costliest step).
    /// The contenders run interleaved, in a rotated order each round; a ratio is the median over rounds of the ratio
    /// measured within the round, which a shared machine's load changes affect little.
    /// </summary>
    internal static class FusedPaths
    {
        private const int Warmup = 20;

        /// <summary>A model: its parameters' shapes.</summary>
        private sealed record Model(string Name, string Description, long[][] Shapes)
        {
            public long Numel => Shapes.Sum(s => s.Aggregate(1L, (a, x) => a * x));
        }

        /// <summary>An optimizer on one path.</summary>
        private sealed record Contender(string Optimizer, string Path, Func<IEnumerable<Parameter>, optim.Optimizer> Create)
        {
            public string Name => Optimizer + " (" + Path + ")";
        }

        private static readonly Model[] Models =
        {
            new("10M", "16 matrices [768, 768] + 4 vectors [768]: 9,440,256 parameters in 20 tensors",
                Enumerable.Range(0, 20).Select(i => i % 5 == 4 ? new long[] { 768 } : new long[] { 768, 768 }).ToArray()),
            new("2000x500", "2000 vectors [500]: 1,000,000 parameters in 2000 tensors",
                Enumerable.Range(0, 2000).Select(_ => new long[] { 500 }).ToArray()),
            new("1000x100x100", "1000 matrices [100, 100]: 10,000,000 parameters in 1000 tensors",
                Enumerable.Range(0, 1000).Select(_ => new long[] { 100, 100 }).ToArray()),
        };

        private static readonly Contender[] Contenders =
        {
            new("TorchSharp Adam", "built-in", p => torch.optim.Adam(p, lr: 1e-3)),
            new("Adam", "fused", p => new O.Adam(p, lr: 1e-3, fused: true)),
            new("Adam", "tensor ops", p => new O.Adam(p, lr: 1e-3, fused: false)),
            new("Adam_C, C = 5", "fused", p => new O.Adam_C(p, lr: 1e-3, topC: 5, fused: true)),
            new("Adam_C, C = 5", "tensor ops", p => new O.Adam_C(p, lr: 1e-3, topC: 5, fused: false)),
            new("Adam_C_eff, C = 5", "fused", p => new O.Adam_C_eff(p, lr: 1e-3, topC: 5, fused: true)),
            new("Adam_C_eff, C = 5", "tensor ops", p => new O.Adam_C_eff(p, lr: 1e-3, topC: 5, fused: false)),
            new("Adam_CM, C = 5", "fused", p => new O.Adam_CM(p, lr: 1e-3, topC: 5, fused: true)),
            new("Adam_CM, C = 5", "tensor ops", p => new O.Adam_CM(p, lr: 1e-3, topC: 5, fused: false)),
            new("SM3", "fused", p => new O.SM3(p, fused: true)),
            new("SM3", "tensor ops", p => new O.SM3(p, fused: false)),
            new("Adafactor", "fused", p => new O.Adafactor(p, fused: true)),
            new("Adafactor", "tensor ops", p => new O.Adafactor(p, fused: false)),
        };

        public static int Run(string[] args)
        {
            string[] models = Option(args, "--models", "10M,2000x500,1000x100x100");
            int[] threads = Option(args, "--threads", "1,2").Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
            int rounds = int.Parse(Option(args, "--rounds", "7")[0], CultureInfo.InvariantCulture);
            int steps = int.Parse(Option(args, "--steps", "3")[0], CultureInfo.InvariantCulture);
            Console.WriteLine("// " + BenchmarkEnvironment.Describe());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// {rounds} rounds x {steps} steps per contender, after {Warmup} warm-up steps"));
            Console.WriteLine();
            Console.WriteLine("| model | threads | optimizer | path | step (ms) | / TorchSharp Adam | / OptimDsl Adam (fused) | / 7-access bound |");
            Console.WriteLine("|---|---:|---|---|---:|---:|---:|---:|");
            foreach (int t in threads)
            {
                torch.set_num_threads(t);
                foreach (Model model in Models.Where(m => models.Contains(m.Name)))
                {
                    Measure(model, t, rounds, steps);
                }
            }

            Console.WriteLine();
            foreach (Model m in Models.Where(m => models.Contains(m.Name)))
            {
                Console.WriteLine("* " + m.Name + ": " + m.Description + ".");
            }

            Console.WriteLine("* 7-access bound: 7 × 4 B × N (read p, g, m, v; write p, m, v) at the bandwidth of a copy of 2 × 4 B × N timed in the same rounds.");
            return 0;
        }

        private static void Measure(Model model, int threads, int rounds, int steps)
        {
            using var scope = NewDisposeScope();
            var optimizers = new List<(Contender Contender, optim.Optimizer Optimizer)>();
            foreach (Contender c in Contenders)
            {
                Parameter[] parameters = Parameters(model);
                optimizers.Add((c, c.Create(parameters)));
            }

            foreach (var (_, optimizer) in optimizers)
            {
                for (int i = 0; i < Warmup; i++)
                {
                    optimizer.step();
                }
            }

            Tensor source = torch.rand(model.Numel);
            Tensor target = torch.empty(model.Numel);
            target.copy_(source);
            var times = optimizers.ToDictionary(o => o.Contender.Name, _ => new List<double>());
            times["copy"] = new List<double>();
            for (int r = 0; r < rounds; r++)
            {
                for (int k = 0; k <= optimizers.Count; k++)
                {
                    int index = (k + r) % (optimizers.Count + 1);
                    if (index == optimizers.Count)
                    {
                        times["copy"].Add(Time(() => target.copy_(source), steps));
                    }
                    else
                    {
                        var (c, optimizer) = optimizers[index];
                        times[c.Name].Add(Time(() => optimizer.step(), steps));
                    }
                }
            }

            double RatioTo(string name, string reference) => Median(times[name].Zip(times[reference], (a, b) => a / b));
            string torchAdam = Contenders[0].Name;
            string fusedAdam = Contenders[1].Name;
            foreach (Contender c in Contenders)
            {
                // copy moves 2 × 4 B × N; the one-pass Adam moves 7 × 4 B × N.
                double boundRatio = Median(times[c.Name].Zip(times["copy"], (a, copy) => a / (copy * 3.5)));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {model.Name} | {threads} | {c.Optimizer} | {c.Path} | {Median(times[c.Name]):F2} | {RatioTo(c.Name, torchAdam):F3} | {RatioTo(c.Name, fusedAdam):F2} | {boundRatio:F2} |"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {model.Name} | {threads} | (7-access bound) | copy | {Median(times["copy"]) * 3.5:F2} | | | 1.00 |"));
            foreach (var (_, optimizer) in optimizers)
            {
                optimizer.Dispose();
            }
        }

        private static Parameter[] Parameters(Model model)
        {
            var parameters = new Parameter[model.Shapes.Length];
            using Scalar initScale = 0.02;
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] = new Parameter(torch.randn(model.Shapes[i]).mul_(initScale));
                parameters[i].grad = torch.randn(model.Shapes[i]);
            }

            return parameters;
        }

        private static double Time(Action action, int repetitions)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < repetitions; i++)
            {
                action();
            }

            return Stopwatch.GetElapsedTime(start).TotalMilliseconds / repetitions;
        }

        private static double Median(IEnumerable<double> values)
        {
            double[] sorted = values.OrderBy(v => v).ToArray();
            int n = sorted.Length;
            return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
        }

        private static string[] Option(string[] args, string name, string fallback)
        {
            int at = Array.IndexOf(args, name);
            string text = at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
            return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
    }
}
