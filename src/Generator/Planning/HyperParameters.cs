using System.Collections.Generic;
using System.Globalization;
using OptimDsl.Generator.Model;

namespace OptimDsl.Generator.Planning
{
    /// <summary>The generated arguments of a declaration, in canonical order (lr first, skip_nonfinite and maximize last).</summary>
    internal static class HyperParameters
    {
        public static List<HyperParameter> For(OptimizerDeclaration declaration)
        {
            BlockSet b = declaration.Blocks;
            var list = new List<HyperParameter>
            {
                b.Adafactor is null
                    ? new("lr", HyperKind.Double, Literal(declaration.Lr), "Learning rate", Min: 0)
                    : new("lr", HyperKind.NullableDouble, "null", "Learning rate; null with relative_step (the step size is then min(1e-2, 1/sqrt(t)))", Min: 0),
            };

            if (b.Adafactor is { } ada)
            {
                list.Add(new("eps1", HyperKind.Double, Literal(ada.Eps1), "Regularization added to squared gradients", Min: 0));
                list.Add(new("eps2", HyperKind.Double, Literal(ada.Eps2), "Floor of the parameter scale", Min: 0));
                list.Add(new("clip_threshold", HyperKind.Double, Literal(ada.ClipThreshold), "Threshold of the update clipping by RMS", Min: 0, MinInclusive: false));
                list.Add(new("decay_rate", HyperKind.Double, Literal(ada.DecayRate), "Exponent c of the second-moment coefficient 1 - t^c", Max: 0));
                list.Add(new("beta1", HyperKind.NullableDouble, "null", "Coefficient of the first moment of the scaled update (null: no first moment)", Min: 0, Max: 1));
                list.Add(new("weight_decay", HyperKind.Double, "0.0", "Weight decay, scaled by the relative learning rate", Min: 0));
                list.Add(new("scale_parameter", HyperKind.Bool, Bool(ada.ScaleParameter), "Scale the step by the parameter's RMS (at least eps2)"));
                list.Add(new("relative_step", HyperKind.Bool, Bool(ada.RelativeStep), "Use the time-dependent relative step size instead of lr"));
                list.Add(new("warmup_init", HyperKind.Bool, Bool(ada.WarmupInit), "Warm the relative step size up as 1e-6 * t"));
            }

            if (b.LrDecay is { } lrDecay)
            {
                list.Add(new("lr_decay", HyperKind.Double, Literal(lrDecay.Default), "Learning-rate decay: the step uses lr / (1 + (t - 1) * lr_decay)", Min: 0));
            }

            if (b.Momentum is { } m)
            {
                list.Add(new("momentum", HyperKind.Double, Literal(m.Default), "Momentum factor (0 disables momentum)", Min: 0, Max: 1));
                if (m.Input == MomentInput.Gradient)
                {
                    list.Add(new("dampening", HyperKind.Double, Literal(m.Dampening), "Dampening of the momentum input", Min: 0, Max: 1, MaxInclusive: true));
                    list.Add(new("nesterov", HyperKind.Bool, Bool(m.Nesterov), "Use Nesterov momentum (requires momentum > 0 and dampening = 0)"));
                }
            }

            if (b.FirstMoment is { } first)
            {
                list.Add(new(first.Name, HyperKind.Double, Literal(first.Beta), "Coefficient of the first-moment moving average", Min: 0, Max: 1));
            }

            if (b.SecondMoment is { } second)
            {
                list.Add(new(second.Name, HyperKind.Double, Literal(second.Beta), "Coefficient of the second-moment moving average", Min: 0, Max: 1));
                if (second.Centered)
                {
                    list.Add(new("centered", HyperKind.Bool, Bool(second.CenteredDefault), "Normalize by an estimate of the gradient's variance"));
                }
            }

            if (b.SM3 is { } sm3)
            {
                list.Add(new("beta", HyperKind.Double, Literal(sm3.Beta), "SM3 accumulator coefficient (0: accumulate squares; > 0: moving average)", Min: 0, Max: 1));
            }

            if (b.Accumulator is { } acc)
            {
                list.Add(new("initial_accumulator_value", HyperKind.Double, Literal(acc.InitialValue), "Initial value of the sum of squares", Min: 0));
            }

            if (b.Epsilon is { } eps)
            {
                list.Add(new("eps", HyperKind.Double, Literal(eps.Default), "Term added to the denominator for numerical stability", Min: 0));
            }

            if (b.WeightDecay is { } wd)
            {
                string doc = wd.Mode == WeightDecayMode.Decoupled
                    ? "Decoupled weight decay: the parameter is multiplied by 1 - lr * weight_decay"
                    : "Weight decay (L2 penalty added to the gradient)";
                list.Add(new("weight_decay", HyperKind.Double, Literal(wd.Default), doc, Min: 0));
            }

            if (b.AmsGrad is { } amsGrad)
            {
                list.Add(new("amsgrad", HyperKind.Bool, Bool(amsGrad.Default), "Use the AMSGrad variant (running maximum of the second moment)"));
            }

            if (b.CriticalBuffer is { } c)
            {
                AddCritical(list, c);
            }

            if (b.SkipNonFinite is { } skip)
            {
                list.Add(new("skip_nonfinite", HyperKind.Bool, Bool(skip.Default), "Skip the whole step of a group whose gradients hold a NaN or an infinite value (counted in each parameter's skipped_steps)"));
            }

            if (b.Maximize is { } maximize)
            {
                list.Add(new("maximize", HyperKind.Bool, Bool(maximize.Default), "Maximize the objective instead of minimizing it"));
            }

            return list;
        }

        private static void AddCritical(List<HyperParameter> list, CriticalBufferBlock c)
        {
            list.Add(new("topC", HyperKind.Int, c.TopC.ToString(CultureInfo.InvariantCulture), "Capacity of the critical buffer per parameter tensor", Min: 1));
            list.Add(new("decay", HyperKind.Double, Literal(c.Decay), "Multiplicative decay of stored priorities, applied every step", Min: 0, MinInclusive: false, Max: 1, MaxInclusive: true));
            list.Add(c.KappaUse == KappaUse.Switch
                ? new("kappa", HyperKind.Double, Literal(c.Kappa), "Switch for the critical buffer: it is used when kappa > 0, with weight 1", Min: 0, MinInclusive: false)
                : new("kappa", HyperKind.Double, Literal(c.Kappa), "Weight of the critical buffer in the aggregation (0 recovers the base optimizer)", Min: 0));
            if (c.AggregationArgument)
            {
                list.Add(new("aggr", HyperKind.Aggregation, "global::OptimDsl.AggregationRule." + c.Aggregation, "Aggregation of the current quantity with the buffer"));
            }

            list.Add(new("synced", HyperKind.Bool, Bool(c.Synced), "Priority = sum of the group's per-tensor gradient norms (true) or this tensor's gradient norm (false)"));
            if (c.RandomReplacement)
            {
                list.Add(new("critical_test", HyperKind.Double, "0.0", "Probability that a full buffer skips the priority test and overwrites the last minimum slot", Min: 0, Max: 1, MaxInclusive: true));
                list.Add(new("seed", HyperKind.ULong, "0UL", "Seed of the random replacement draws"));
            }

            if (c.BufferDtypeArgument)
            {
                list.Add(new("buffer_dtype", HyperKind.NullableScalarType, "null", "Storage dtype of the buffer (null: the parameter's dtype), e.g. bfloat16 to halve its memory"));
            }

            list.Add(new("max_age", HyperKind.Int, c.MaxAge.ToString(CultureInfo.InvariantCulture), "Entries older than this many steps are dropped (0: unlimited)", Min: 0));
        }

        public static string Literal(double value)
        {
            if (double.IsPositiveInfinity(value))
            {
                return "double.PositiveInfinity";
            }

            if (double.IsNegativeInfinity(value))
            {
                return "double.NegativeInfinity";
            }

            if (double.IsNaN(value))
            {
                return "double.NaN";
            }

            string text = value.ToString("R", CultureInfo.InvariantCulture);
            return text.Contains(".") || text.Contains("E") ? text : text + ".0";
        }

        private static string Bool(bool value) => value ? "true" : "false";
    }
}
