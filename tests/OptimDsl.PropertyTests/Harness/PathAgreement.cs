using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using OptimDsl.PropertyTests.Declarations;
using TorchSharp;
using TorchSharp.Modules;

namespace OptimDsl.PropertyTests.Harness
{
    /// <summary>
    /// Runs a compiled variant in float32 on both back ends — the fused CPU kernels and tensor operations — from the same
    /// parameters and gradients, and compares the parameters after every step.
    /// </summary>
    public static class PathAgreement
    {
        /// <summary>
        /// Relative tolerance of the float32 comparison. Both paths compute the same formulas and differ only in rounding:
        /// libtorch's vectorised kernels fuse some multiply-adds (one rounding where the fused kernels round twice), and the
        /// reductions (priority norms, Adafactor's means and RMS) sum in another order and precision. Each step adds at most
        /// a few float32 ulps (ε = 1.2e-7) of relative difference per state element; momentum and moving averages carry a
        /// difference on for up to 1/(1 − β) ≈ 10 steps, and a scenario has at most 25 steps, so rounding alone stays below
        /// 25 · 4ε · 10 ≈ 1.2e-4 relative. A semantic difference between the paths (a wrong coefficient, a skipped block,
        /// another admission) changes a parameter by a sizeable part of a step, 1e-3 relative or more. The suite's measured
        /// worst is about 1.5e-5 (docs/PROPERTY-TESTS.md).
        /// </summary>
        public const double RelativeTolerance = 1e-4;

        /// <summary>
        /// Absolute floor, for parameters near zero (where a relative difference means nothing): 1e-5 is 1e-4 of the
        /// scenarios' parameter scale (1), and a tenth of the smallest step a bug changes (lr·|update| ≥ 1e-4).
        /// </summary>
        public const double AbsoluteFloor = 1e-5;

        /// <summary>Null when both paths agree within tolerance after every step; otherwise the first difference. Out: the worst |diff|/allowed.</summary>
        public static string? Compare(Type optimizerType, Declaration decl, Scenario scenario, out double worst)
        {
            worst = 0;
            using var scope = torch.NewDisposeScope();
            Parameter[] Build() => scenario.Initial
                .Select(t => new Parameter(torch.tensor(t.Data, t.Shape.Select(x => (long)x).ToArray(), torch.float64).to(torch.float32)))
                .ToArray();
            Parameter[] fused = Build();
            Parameter[] tensorOps = Build();
            using OptimizerHelper a = OptimizerFactory.Create(optimizerType, fused, new Dictionary<string, object?>(decl.Args) { ["fused"] = true });
            using OptimizerHelper b = OptimizerFactory.Create(optimizerType, tensorOps, new Dictionary<string, object?>(decl.Args) { ["fused"] = false });
            for (int step = 0; step < scenario.Steps; step++)
            {
                for (int i = 0; i < fused.Length; i++)
                {
                    torch.Tensor? g = scenario.Gradients[step][i] is { } values
                        ? torch.tensor(values, scenario.Initial[i].Shape.Select(x => (long)x).ToArray(), torch.float64).to(torch.float32)
                        : null;
                    fused[i].grad = g?.clone();
                    tensorOps[i].grad = g?.clone();
                }

                a.step();
                b.step();
                for (int i = 0; i < fused.Length; i++)
                {
                    float[] x = fused[i].detach().data<float>().ToArray();
                    float[] y = tensorOps[i].detach().data<float>().ToArray();
                    for (int k = 0; k < x.Length; k++)
                    {
                        double ratio = Ratio(x[k], y[k]);
                        worst = Math.Max(worst, ratio);
                        if (ratio > 1)
                        {
                            return string.Format(CultureInfo.InvariantCulture,
                                "step {0}, parameter {1}, element {2}: fused {3:R}, tensor operations {4:R} (|diff|/allowed {5:G3})\n  {6}",
                                step + 1, i, k, x[k], y[k], ratio, scenario);
                        }
                    }
                }
            }

            return null;
        }

        private static double Ratio(float x, float y)
        {
            if (float.IsNaN(x) || float.IsNaN(y))
            {
                return float.IsNaN(x) && float.IsNaN(y) ? 0 : double.PositiveInfinity;
            }

            if (float.IsInfinity(x) || float.IsInfinity(y))
            {
                return x == y ? 0 : double.PositiveInfinity;
            }

            return Math.Abs((double)x - y) / Math.Max(RelativeTolerance * Math.Abs((double)y), AbsoluteFloor);
        }
    }
}
