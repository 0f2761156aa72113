using System.Collections.Generic;
using System.Linq;
using OptimDsl.Generator.Arguments;
using OptimDsl.Generator.Lowering;
using OptimDsl.Generator.Model;

namespace OptimDsl.Generator.Planning
{
    /// <summary>Stage 3 (plan): lowers a valid declaration to an <see cref="OptimizerPlan"/>. Pure.</summary>
    internal static class Planner
    {
        public static OptimizerPlan Plan(OptimizerDeclaration declaration)
        {
            BlockSet b = declaration.Blocks;
            List<HyperParameter> hyper = HyperParameters.For(declaration);
            var state = StateOf(b).ToList();
            var objects = ObjectsOf(b).ToList();
            return new OptimizerPlan(
                declaration.Type,
                b,
                hyper.ToEquatableArray(),
                state.ToEquatableArray(),
                objects.ToEquatableArray(),
                StepLowering.Lower(b),
                ImplementsBetas: b.FirstMoment is { Name: "beta1" } && b.SecondMoment is { Name: "beta2" },
                ImplementsMomentum: b.Momentum is not null,
                FormatTag: FormatTagOf(declaration, hyper, state, objects));
        }

        private static IEnumerable<StateTensor> StateOf(BlockSet b)
        {
            const string zeros = "global::TorchSharp.torch.zeros_like(_parameter)";
            if (b.Momentum is { Input: MomentInput.Gradient })
            {
                yield return new StateTensor("momentum_buffer", "Heavy-ball momentum buffer (created from the first input).", zeros, Lazy: true);
            }

            if (b.Momentum is { Input: MomentInput.Preconditioned })
            {
                // Created by the first step with momentum > 0 (a scheduler may switch momentum on later), starting at zero.
                yield return new StateTensor("momentum_buffer", "Momentum buffer of the preconditioned update (created once momentum is positive).", zeros, Lazy: true);
            }

            if (b.FirstMoment is { Input: MomentInput.Gradient })
            {
                yield return new StateTensor("exp_avg", "Exponential moving average of the first moment.", zeros);
            }

            if (b.FirstMoment is { Input: MomentInput.Preconditioned })
            {
                // Created by the first step with a non-zero coefficient: with coefficient 0 the average is the update itself.
                yield return new StateTensor("exp_avg", "Exponential moving average of the preconditioned update (created once its coefficient is non-zero).", zeros, Lazy: true);
            }

            if (b.SecondMoment is { } second)
            {
                yield return new StateTensor("exp_avg_sq", "Exponential moving average of squares.", zeros);
                if (second.Centered)
                {
                    yield return new StateTensor("grad_avg", "Moving average of the input (centered variant).", zeros, Condition: "__options.centered!.Value");
                }
            }

            if (b.AmsGrad is not null)
            {
                yield return new StateTensor("max_exp_avg_sq", "Running maximum of the second moment (AMSGrad).", zeros, Condition: "__options.amsgrad!.Value");
            }

            if (b.Adafactor is not null)
            {
                yield return new StateTensor("exp_avg", "First moment of the scaled update (only with beta1).", zeros, Condition: "__options.beta1 is not null");
            }

            if (b.Accumulator is not null)
            {
                yield return new StateTensor("sum", "Running sum of squares.", "global::OptimDsl.Runtime.Fill.Like(_parameter, __options.initial_accumulator_value!.Value)");
            }
        }

        private static IEnumerable<StateObject> ObjectsOf(BlockSet b)
        {
            if (b.SM3 is not null)
            {
                yield return new StateObject("sm3", "global::OptimDsl.Runtime.Sm3Accumulators", "new global::OptimDsl.Runtime.Sm3Accumulators(_parameter)",
                    "SM3 accumulators, one per dimension (a full one for rank ≤ 1).");
            }

            if (b.Adafactor is not null)
            {
                yield return new StateObject("factored", "global::OptimDsl.Runtime.FactoredSecondMoment", "new global::OptimDsl.Runtime.FactoredSecondMoment(_parameter)",
                    "Adafactor's row and column second-moment factors (a full one for rank < 2).");
            }
        }

        // The tag written into checkpoints: a change of blocks or arguments changes it, so a checkpoint of another
        // layout is rejected with a clear message instead of being misread.
        private static string FormatTagOf(
            OptimizerDeclaration declaration, List<HyperParameter> hyper, List<StateTensor> state, List<StateObject> objects)
        {
            string layout = string.Join(",", hyper.Select(h => h.Name + ":" + h.Kind))
                + "|" + string.Join(",", state.Select(s => s.Name))
                + "|" + string.Join(",", objects.Select(o => o.Name))
                + "|" + (declaration.Blocks.CriticalBuffer is null ? "-" : "critical");
            return "OptimDsl/" + declaration.Type.Name + "/v1/" + StableHash(layout);
        }

        private static string StableHash(string text)
        {
            unchecked
            {
                uint hash = 2166136261;
                foreach (char c in text)
                {
                    hash = (hash ^ c) * 16777619;
                }

                return hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }
}
