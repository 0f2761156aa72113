using System;
using System.Collections.Generic;
using System.Linq;
using OptimDsl.PropertyTests.Harness;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace OptimDsl.PropertyTests
{
    /// <summary>
    /// Moment names (<c>[FirstMoment(Name = ...)]</c>, <c>[SecondMoment(Name = ...)]</c>) that are the generated code's
    /// own identifiers without their prefix: each compiles, and the optimizer steps exactly like the default-named one.
    /// </summary>
    public sealed class ChosenNameTests
    {
        /// <summary>
        /// The names the generator used to reserve by hand (locals, parameters and members of the generated code; those that
        /// stay reserved — API, called members, a leading underscore — are left out), and locals it has introduced since.
        /// </summary>
        public static readonly string[] FormerlyReserved =
        {
            "defaults", "group", "options", "grads", "priorities", "kappaWeight", "i", "index", "param", "grad", "state", "d",
            "numerator", "denom", "nu", "update", "learningRate", "firstMomentBeta", "negativeStepSize", "decoupledFactor",
            "weightDecayScalar", "momentumScalar", "oneMinusDampening", "beta1Scalar", "oneMinusBeta1", "beta2Scalar",
            "oneMinusBeta2", "one", "epsScalar", "secondMomentCorrection", "firstMomentCorrection", "reader", "writer", "other",
            "rhs", "device", "disposing", "closure", "entry", "param_group", "optionsBase", "value", "State", "ParamGroup",
            "Initialize", "ApproximatelyEquals", "Dispose", "StepGroup", "step", "Betas", "Momentum", "Fused", "single", "dual",
            "tensorPath", "batch", "t", "rowLength", "seedsOnly", "negativeOne", "negativeWeightDecay", "WhyNotFused", "FusedTensor",
            "skipped_steps", "GradientCheck", "GradientCheckSingle", "GradientCheckDouble", "FusedFinite",
            "batchIndex", "staged", "stagedBase", "at", "e", "Checkpoint", "location", "state_dict", "save_state_dict",
            "load_state_dict", "loss", "inputs", "g", "work", "lanes", "tail", "first", "count", "vectors", "item", "norms", "p",
            "parameter", "kernel", "dtype", "buffer", "applyWeightDecay", "useFirstMoment", "exp_avg", "exp_avg_sq",
            "max_exp_avg_sq", "criticalSum", "criticalEntry", "Update", "GatherInputs", "Checks",
        };

        private const string Namespace = "OptimDsl.PropertyTests.Named";

        // Every block whose code runs per group or per parameter: weight decay, both moments, AMSGrad, bias correction, the
        // critical buffer (priorities, host decisions), skipping non-finite steps, maximize.
        private static string Declaration(string name, string? first, string? second) =>
            "namespace " + Namespace + "\n{\n    using OptimDsl;\n\n"
            + "    [Optimizer(Lr = 1e-2)]\n"
            + "    [WeightDecay(Default = 0.01)]\n"
            + "    [FirstMoment(Beta = 0.8" + (first is null ? string.Empty : ", Name = \"" + first + "\"") + ")]\n"
            + "    [CriticalBuffer(TopC = 2)]\n"
            + "    [SecondMoment(Beta = 0.99" + (second is null ? string.Empty : ", Name = \"" + second + "\"") + ")]\n"
            + "    [AmsGrad(Default = true)]\n"
            + "    [BiasCorrection]\n"
            + "    [Epsilon]\n"
            + "    [SkipNonFinite]\n"
            + "    [Maximize]\n"
            + "    public sealed partial class " + name + " { }\n}\n";

        [Fact]
        public void Moments_named_like_the_generated_codes_own_identifiers_compile_and_step_like_the_default_names()
        {
            var pairs = new List<(string Class, string First, string Second)>();
            for (int i = 0; i < FormerlyReserved.Length; i += 2)
            {
                string first = FormerlyReserved[i];
                string second = i + 1 < FormerlyReserved.Length ? FormerlyReserved[i + 1] : "beta2";
                pairs.Add(("Named" + (i / 2), first, second));
            }

            GeneratedSources g = VariantCompiler.Generate(
                new[] { Declaration("DefaultNames", null, null) }.Concat(pairs.Select(p => Declaration(p.Class, p.First, p.Second))).ToArray());
            VariantCompiler.ThrowOnGeneratorDiagnostics(g);
            using LoadedVariants loaded = VariantCompiler.Compile(g.Declarations, g.Generated.Select(x => x.Source));

            foreach (bool fused in new[] { true, false })
            {
                double[][] expected = Run(loaded.Type(Namespace + ".DefaultNames"), fused);
                Assert.False(expected[1].SequenceEqual(new[] { 1.5, -0.25, 0.125 }), "the steps changed nothing");
                foreach ((string cls, string first, string second) in pairs)
                {
                    double[][] actual = Run(loaded.Type(Namespace + "." + cls), fused);
                    for (int k = 0; k < expected.Length; k++)
                    {
                        Assert.True(expected[k].SequenceEqual(actual[k]),
                            $"{first}/{second} (fused: {fused}): parameter {k} differs from the default-named optimizer's");
                    }
                }
            }
        }

        // Three steps (the critical buffer's first offer, then aggregated ones) on a float32 and a float64 parameter.
        private static double[][] Run(Type optimizerType, bool fused)
        {
            using var scope = NewDisposeScope();
            var parameters = new[]
            {
                new Parameter(tensor(new float[] { 0.5f, -1.25f, 2f, 0.75f, -0.5f, 3f, 1f, -2f, 0.25f })),
                new Parameter(tensor(new double[] { 1.5, -0.25, 0.125 })),
            };
            using OptimizerHelper optimizer = OptimizerFactory.Create(optimizerType, parameters, new Dictionary<string, object?> { ["fused"] = fused });
            for (int step = 1; step <= 3; step++)
            {
                using Scalar factor = 0.5 * step, shift = 0.1 * step;
                foreach (Parameter p in parameters)
                {
                    p.grad = p.detach().mul(factor).sub(shift).DetachFromDisposeScope();
                }

                optimizer.step();
            }

            return parameters.Select(p => p.detach().to(float64).data<double>().ToArray()).ToArray();
        }
    }
}
