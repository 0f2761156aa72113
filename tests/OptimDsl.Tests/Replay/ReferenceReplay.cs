using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Replay
{
    /// <summary>Outcome of replaying one case.</summary>
    public sealed record ReplayOutcome(string Name, bool Passed, bool Skipped, string Detail, int FailedStep = 0, double MaxRel = 0);

    /// <summary>
    /// Replays a recorded reference run against the catalog optimizer that reproduces it (float64), on one back end:
    /// <c>fused: true</c> forces the fused CPU kernels, <c>fused: false</c> tensor operations.
    /// </summary>
    public static class ReferenceReplay
    {
        public const double RelativeTolerance = 1e-9;
        public const double AbsoluteFloor = 1e-12;

        public static ReplayOutcome Run(RefVectorCase c, bool fused)
        {
            Type? type = CatalogLookup.Find(c.Reference);
            if (type is null)
            {
                return new ReplayOutcome(c.Name, false, true, $"no catalog optimizer reproduces '{c.Reference}' yet");
            }

            using var scope = NewDisposeScope();
            Parameter[] parameters = c.Shapes.Select((shape, i) =>
                new Parameter(tensor(c.Init[i], dtype: ScalarType.Float64).reshape(shape))).ToArray();
            var optimizer = (optim.Optimizer)ConfigBinder.Create(type, parameters, c.Config, fused);
            try
            {
                double worst = 0;
                for (int t = 0; t < c.Steps; t++)
                {
                    optimizer.zero_grad();
                    Tensor loss = parameters.Select((p, i) => (p * tensor(c.Grads[t][i], dtype: ScalarType.Float64).reshape(c.Shapes[i])).sum())
                        .Aggregate((a, b) => a.add(b, OptimDsl.Runtime.Scalars.One));
                    loss.backward();
                    optimizer.step();
                    for (int i = 0; i < parameters.Length; i++)
                    {
                        double[] actual = parameters[i].detach().cpu().data<double>().ToArray();
                        double rel = MaxRelativeError(actual, c.Expected[t][i]);
                        worst = Math.Max(worst, rel);
                        if (rel > 1)
                        {
                            return new ReplayOutcome(c.Name, false, false, $"parameter {i} differs", t + 1, rel * RelativeTolerance);
                        }
                    }
                }

                return new ReplayOutcome(c.Name, true, false, $"maxrel={worst * RelativeTolerance:E2}", 0, worst * RelativeTolerance);
            }
            finally
            {
                optimizer.Dispose();
            }
        }

        /// <summary>max over elements of |a-e| / max(rtol·|e|, atol): at most 1 means within tolerance.</summary>
        private static double MaxRelativeError(double[] actual, double[] expected)
        {
            double worst = 0;
            for (int k = 0; k < expected.Length; k++)
            {
                double err = Math.Abs(actual[k] - expected[k]);
                double allowed = Math.Max(RelativeTolerance * Math.Abs(expected[k]), AbsoluteFloor);
                if (double.IsNaN(actual[k]) != double.IsNaN(expected[k]))
                {
                    return double.PositiveInfinity;
                }

                worst = Math.Max(worst, err / allowed);
            }

            return worst;
        }
    }
}
