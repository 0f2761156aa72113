using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using OptimDsl.PropertyTests.Declarations;
using OptimDsl.PropertyTests.Reference;
using TorchSharp;
using TorchSharp.Modules;

namespace OptimDsl.PropertyTests.Harness
{
    /// <summary>Runs a compiled variant and the reference side by side and compares every parameter after every step.</summary>
    public static class VariantRunner
    {
        /// <summary>Relative tolerance of the float64 comparison.</summary>
        public const double RelativeTolerance = 1e-9;

        /// <summary>Absolute floor of the comparison (for values that cross zero).</summary>
        public const double AbsoluteFloor = 1e-12;

        /// <summary>
        /// Null when the generated optimizer matches the reference at every step on both back ends (the fused CPU kernels,
        /// then tensor operations); otherwise the first difference, naming the path.
        /// </summary>
        public static string? CompareBothPaths(Type optimizerType, Declaration decl, Scenario scenario, BufferEvents? events = null) =>
            Labelled("fused path", Compare(optimizerType, decl, scenario, events, fused: true))
            ?? Labelled("tensor-operation path", Compare(optimizerType, decl, scenario, null, fused: false));

        private static string? Labelled(string path, string? failure) => failure is null ? null : path + ": " + failure;

        /// <summary>Null when the generated optimizer matches the reference at every step; otherwise the first difference.</summary>
        /// <param name="optimizerType">The compiled variant.</param>
        /// <param name="decl">Its declaration (arguments and reference configuration).</param>
        /// <param name="scenario">Parameters and gradients.</param>
        /// <param name="events">Collects the reference buffers' events of a passing case.</param>
        /// <param name="fused">The optimizer's <c>fused</c> argument (true forces the fused kernels on these float64 CPU tensors).</param>
        public static string? Compare(Type optimizerType, Declaration decl, Scenario scenario, BufferEvents? events = null, bool? fused = null)
        {
            RefConfig config = decl.ToReference();
            var reference = new ReferenceOptimizer(config, scenario.Initial);
            using var scope = torch.NewDisposeScope();
            Parameter[] parameters = scenario.Initial
                .Select(t => new Parameter(torch.tensor(t.Data, t.Shape.Select(x => (long)x).ToArray(), torch.float64)))
                .ToArray();
            OptimizerHelper optimizer;
            try
            {
                optimizer = OptimizerFactory.Create(optimizerType, parameters, new Dictionary<string, object?>(decl.Args) { ["fused"] = fused });
            }
            catch (Exception e)
            {
                return "the generated constructor threw " + e.GetType().Name + ": " + e.Message;
            }

            using (optimizer)
            {
                for (int step = 0; step < scenario.Steps; step++)
                {
                    double[]?[] grads = scenario.Gradients[step];
                    for (int i = 0; i < parameters.Length; i++)
                    {
                        parameters[i].grad = grads[i] is { } g
                            ? torch.tensor(g, scenario.Initial[i].Shape.Select(x => (long)x).ToArray(), torch.float64)
                            : null;
                    }

                    try
                    {
                        optimizer.step();
                    }
                    catch (Exception e)
                    {
                        return "step " + (step + 1) + ": the generated step threw " + e.GetType().Name + ": " + e.Message;
                    }

                    reference.Step(grads);
                    for (int i = 0; i < parameters.Length; i++)
                    {
                        double[] actual = parameters[i].detach().contiguous().data<double>().ToArray();
                        double[] expected = reference.Params[i];
                        for (int k = 0; k < expected.Length; k++)
                        {
                            if (!Close(expected[k], actual[k]))
                            {
                                return Describe(step + 1, i, k, scenario, expected, actual, reference);
                            }
                        }
                    }
                }
            }

            if (events is not null)
            {
                for (int i = 0; i < parameters.Length; i++)
                {
                    if (reference.Buffer(i) is { } b)
                    {
                        events.Add(b.Events);
                    }
                }
            }

            return null;
        }

        public static bool Close(double expected, double actual)
        {
            if (double.IsNaN(expected) || double.IsNaN(actual))
            {
                return double.IsNaN(expected) && double.IsNaN(actual);
            }

            if (double.IsInfinity(expected) || double.IsInfinity(actual))
            {
                return expected == actual;
            }

            return Math.Abs(actual - expected) <= Math.Max(RelativeTolerance * Math.Abs(expected), AbsoluteFloor);
        }

        private static string Describe(int step, int param, int element, Scenario scenario, double[] expected, double[] actual, ReferenceOptimizer reference)
        {
            static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
            int[] shape = scenario.Initial[param].Shape;
            string buffer = reference.Buffer(param) is { } b
                ? "; reference buffer of that parameter after the step: " + b.Count + " entries, priorities [" + string.Join(", ", b.Priorities.Select(F)) + "]"
                : "";
            return "first difference at step " + step + ", parameter " + param + " (shape [" + string.Join(",", shape) + "]), element " + element
                + ": generated " + F(actual[element]) + ", reference " + F(expected[element])
                + " (|diff| " + F(Math.Abs(actual[element] - expected[element])) + ")\n"
                + "  generated parameter: [" + string.Join(", ", actual.Select(F)) + "]\n"
                + "  reference parameter: [" + string.Join(", ", expected.Select(F)) + "]" + buffer + "\n"
                + "  " + scenario;
        }
    }
}
