using System.Collections.Generic;
using System.Globalization;
using OptimDsl.Generator.Model;
using OptimDsl.Shared;

namespace OptimDsl.Generator.Arguments
{
    /// <summary>
    /// The generated arguments of a declaration, in canonical order (lr first, skip_nonfinite and maximize last): the one
    /// place that says which attribute property is which argument's default and what role (hence range) it has. Shared by
    /// validation (declared defaults against the role's range, argument names) and planning (the generated members).
    /// </summary>
    internal static class HyperParameters
    {
        /// <summary>PyTorch's name of the learning rate, which TorchSharp keeps in <c>OptimizerOptions.LearningRate</c>.</summary>
        public const string LearningRateName = "lr";

        public static List<HyperParameter> For(OptimizerDeclaration declaration)
        {
            BlockSet b = declaration.Blocks;
            var list = new List<HyperParameter>
            {
                b.Adafactor is null
                    ? new(LearningRateName, HyperKind.Double, ArgumentRole.LearningRate, Literal(declaration.Lr), "Learning rate",
                        new DeclaredDefault("Optimizer", nameof(OptimizerAttribute.Lr), declaration.Lr))
                    : new(LearningRateName, HyperKind.NullableDouble, ArgumentRole.LearningRate, "null", "Learning rate; null with relative_step (the step size is then min(1e-2, 1/sqrt(t)))"),
            };

            if (b.Adafactor is { } ada)
            {
                list.Add(new("eps1", HyperKind.Double, ArgumentRole.Magnitude, Literal(ada.Eps1), "Regularization added to squared gradients", From(ada, nameof(AdafactorAttribute.Eps1), ada.Eps1)));
                list.Add(new("eps2", HyperKind.Double, ArgumentRole.Magnitude, Literal(ada.Eps2), "Floor of the parameter scale", From(ada, nameof(AdafactorAttribute.Eps2), ada.Eps2)));
                list.Add(new("clip_threshold", HyperKind.Double, ArgumentRole.Threshold, Literal(ada.ClipThreshold), "Threshold of the update clipping by RMS", From(ada, nameof(AdafactorAttribute.ClipThreshold), ada.ClipThreshold)));
                list.Add(new("decay_rate", HyperKind.Double, ArgumentRole.DecayExponent, Literal(ada.DecayRate), "Exponent c of the second-moment coefficient 1 - t^c", From(ada, nameof(AdafactorAttribute.DecayRate), ada.DecayRate)));
                list.Add(new("beta1", HyperKind.NullableDouble, ArgumentRole.Coefficient, "null", "Coefficient of the first moment of the scaled update (null: no first moment)"));
                list.Add(new("weight_decay", HyperKind.Double, ArgumentRole.Magnitude, "0.0", "Weight decay, scaled by the relative learning rate"));
                list.Add(new("scale_parameter", HyperKind.Bool, ArgumentRole.Switch, Bool(ada.ScaleParameter), "Scale the step by the parameter's RMS (at least eps2)"));
                list.Add(new("relative_step", HyperKind.Bool, ArgumentRole.Switch, Bool(ada.RelativeStep), "Use the time-dependent relative step size instead of lr"));
                list.Add(new("warmup_init", HyperKind.Bool, ArgumentRole.Switch, Bool(ada.WarmupInit), "Warm the relative step size up as 1e-6 * t"));
            }

            if (b.LrDecay is { } lrDecay)
            {
                list.Add(new("lr_decay", HyperKind.Double, ArgumentRole.Magnitude, Literal(lrDecay.Default), "Learning-rate decay: the step uses lr / (1 + (t - 1) * lr_decay)", From(lrDecay, nameof(LrDecayAttribute.Default), lrDecay.Default)));
            }

            if (b.Momentum is { } m)
            {
                list.Add(new("momentum", HyperKind.Double, ArgumentRole.Coefficient, Literal(m.Default), "Momentum factor (0 disables momentum)", From(m, nameof(MomentumAttribute.Default), m.Default)));
                if (m.Input == MomentInput.Gradient)
                {
                    list.Add(new("dampening", HyperKind.Double, ArgumentRole.Fraction, Literal(m.Dampening), "Dampening of the momentum input", From(m, nameof(MomentumAttribute.Dampening), m.Dampening)));
                    list.Add(new("nesterov", HyperKind.Bool, ArgumentRole.Switch, Bool(m.Nesterov), "Use Nesterov momentum (requires momentum > 0 and dampening = 0)"));
                }
            }

            if (b.FirstMoment is { } first)
            {
                list.Add(new(first.Name, HyperKind.Double, ArgumentRole.Coefficient, Literal(first.Beta), "Coefficient of the first-moment moving average", From(first, nameof(FirstMomentAttribute.Beta), first.Beta)));
            }

            if (b.SecondMoment is { } second)
            {
                list.Add(new(second.Name, HyperKind.Double, ArgumentRole.Coefficient, Literal(second.Beta), "Coefficient of the second-moment moving average", From(second, nameof(SecondMomentAttribute.Beta), second.Beta)));
                if (second.Centered)
                {
                    list.Add(new("centered", HyperKind.Bool, ArgumentRole.Switch, Bool(second.CenteredDefault), "Normalize by an estimate of the gradient's variance"));
                }
            }

            if (b.SM3 is { } sm3)
            {
                list.Add(new("beta", HyperKind.Double, ArgumentRole.Coefficient, Literal(sm3.Beta), "SM3 accumulator coefficient (0: accumulate squares; > 0: moving average)", From(sm3, nameof(SM3Attribute.Beta), sm3.Beta)));
            }

            if (b.Accumulator is { } acc)
            {
                list.Add(new("initial_accumulator_value", HyperKind.Double, ArgumentRole.Magnitude, Literal(acc.InitialValue), "Initial value of the sum of squares", From(acc, nameof(AccumulatorAttribute.InitialValue), acc.InitialValue)));
            }

            if (b.Epsilon is { } eps)
            {
                list.Add(new("eps", HyperKind.Double, ArgumentRole.Magnitude, Literal(eps.Default), "Term added to the denominator for numerical stability", From(eps, nameof(EpsilonAttribute.Default), eps.Default)));
            }

            if (b.WeightDecay is { } wd)
            {
                string doc = wd.Mode == WeightDecayMode.Decoupled
                    ? "Decoupled weight decay: the parameter is multiplied by 1 - lr * weight_decay"
                    : "Weight decay (L2 penalty added to the gradient)";
                list.Add(new("weight_decay", HyperKind.Double, ArgumentRole.Magnitude, Literal(wd.Default), doc, From(wd, nameof(WeightDecayAttribute.Default), wd.Default)));
            }

            if (b.AmsGrad is { } amsGrad)
            {
                list.Add(new("amsgrad", HyperKind.Bool, ArgumentRole.Switch, Bool(amsGrad.Default), "Use the AMSGrad variant (running maximum of the second moment)"));
            }

            if (b.CriticalBuffer is { } c)
            {
                AddCritical(list, c);
            }

            if (b.SkipNonFinite is { } skip)
            {
                list.Add(new("skip_nonfinite", HyperKind.Bool, ArgumentRole.Switch, Bool(skip.Default), "Skip the whole step of a group whose gradients hold a NaN or an infinite value (counted in each parameter's skipped_steps)"));
            }

            if (b.Maximize is { } maximize)
            {
                list.Add(new("maximize", HyperKind.Bool, ArgumentRole.Switch, Bool(maximize.Default), "Maximize the objective instead of minimizing it"));
            }

            return list;
        }

        private static void AddCritical(List<HyperParameter> list, CriticalBufferBlock c)
        {
            list.Add(new("topC", HyperKind.Int, ArgumentRole.Capacity, c.TopC.ToString(CultureInfo.InvariantCulture), "Capacity of the critical buffer per parameter tensor", From(c, nameof(CriticalBufferAttribute.TopC), c.TopC)));
            list.Add(new("decay", HyperKind.Double, ArgumentRole.DecayFactor, Literal(c.Decay), "Multiplicative decay of stored priorities, applied every step", From(c, nameof(CriticalBufferAttribute.Decay), c.Decay)));
            list.Add(c.KappaUse == KappaUse.Switch
                ? new("kappa", HyperKind.Double, ArgumentRole.Threshold, Literal(c.Kappa), "Switch for the critical buffer: it is used when kappa > 0, with weight 1", From(c, nameof(CriticalBufferAttribute.Kappa), c.Kappa))
                : new("kappa", HyperKind.Double, ArgumentRole.Magnitude, Literal(c.Kappa), "Weight of the critical buffer in the aggregation (0 recovers the base optimizer)", From(c, nameof(CriticalBufferAttribute.Kappa), c.Kappa)));
            if (c.AggregationArgument)
            {
                list.Add(new("aggr", HyperKind.Aggregation, ArgumentRole.Choice, "global::OptimDsl.AggregationRule." + c.Aggregation, "Aggregation of the current quantity with the buffer"));
            }

            list.Add(new("synced", HyperKind.Bool, ArgumentRole.Switch, Bool(c.Synced), "Priority = sum of the group's per-tensor gradient norms (true) or this tensor's gradient norm (false)"));
            if (c.RandomReplacement)
            {
                list.Add(new("critical_test", HyperKind.Double, ArgumentRole.Fraction, "0.0", "Probability that a full buffer skips the priority test and overwrites the last minimum slot"));
                list.Add(new("seed", HyperKind.ULong, ArgumentRole.Seed, "0UL", "Seed of the random replacement draws"));
            }

            if (c.BufferDtypeArgument)
            {
                list.Add(new("buffer_dtype", HyperKind.NullableScalarType, ArgumentRole.Dtype, "null", "Storage dtype of the buffer (null: the parameter's dtype), e.g. bfloat16 to halve its memory"));
            }

            list.Add(new("max_age", HyperKind.Int, ArgumentRole.Count, c.MaxAge.ToString(CultureInfo.InvariantCulture), "Entries older than this many steps are dropped (0: unlimited)", From(c, nameof(CriticalBufferAttribute.MaxAge), c.MaxAge)));
        }

        private static DeclaredDefault From(Block block, string property, double value) => new(block.AttributeName, property, value);

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
