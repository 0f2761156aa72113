using System.Collections.Generic;
using System.Globalization;
using OptimDsl.Generator.Diagnostics;
using OptimDsl.Generator.Model;

namespace OptimDsl.Generator.Validation
{
    /// <summary>
    /// Stage 2 (validate): composition rules and constant ranges, as diagnostics located at the offending attribute.
    /// Pure: needs nothing but the parsed declaration.
    /// </summary>
    internal static class DeclarationValidator
    {
        public static EquatableArray<DiagnosticInfo> Validate(OptimizerDeclaration declaration)
        {
            var d = new List<DiagnosticInfo>();
            BlockSet b = declaration.Blocks;

            CheckRange(d, declaration.OptimizerAttributeLocation, "Optimizer.Lr", declaration.Lr, 0, true, null, false);
            CheckEnums(d, b);

            if (b.WeightDecay is { } wd)
            {
                CheckRange(d, wd.Location, "WeightDecay.Default", wd.Default, 0, true, null, false);
                bool gradientBuffer = b.CriticalBuffer is { Source: CriticalSource.Gradient };
                if (wd.Order == WeightDecayOrder.AfterCriticalBuffer && (wd.Mode == WeightDecayMode.Decoupled || !gradientBuffer))
                {
                    d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OptionIgnored, wd.Location, "WeightDecay.Order",
                        "it only orders an L2 term relative to a [CriticalBuffer] on gradients"));
                }
            }

            if (b.Momentum is { } m)
            {
                CheckRange(d, m.Location, "Momentum.Default", m.Default, 0, true, 1, false);
                CheckRange(d, m.Location, "Momentum.Dampening", m.Dampening, 0, true, 1, true);
                if (m.Nesterov && (m.Default <= 0 || m.Dampening != 0))
                {
                    d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, m.Location, "Momentum.Nesterov", "true",
                        "Nesterov momentum requires Default > 0 and Dampening = 0"));
                }

                if (m.Input == MomentInput.Preconditioned && (m.Nesterov || m.Dampening != 0))
                {
                    d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OptionIgnored, m.Location, "Momentum.Nesterov/Dampening",
                        "momentum of the preconditioned update has neither dampening nor Nesterov arguments"));
                }

                if (b.FirstMoment is { } fm)
                {
                    d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConflictingBlocks, fm.Location, "FirstMoment", "Momentum",
                        "both keep a momentum buffer"));
                }
            }

            if (b.FirstMoment is { } first)
            {
                CheckRange(d, first.Location, "FirstMoment.Beta", first.Beta, 0, true, 1, false);
            }

            if (b.SecondMoment is { } second)
            {
                CheckRange(d, second.Location, "SecondMoment.Beta", second.Beta, 0, true, 1, false);
                if (second.CenteredDefault && !second.Centered)
                {
                    d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OptionIgnored, second.Location, "SecondMoment.CenteredDefault",
                        "there is no centered argument without Centered = true"));
                }

                if (b.Accumulator is { } acc)
                {
                    d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConflictingBlocks, acc.Location, "Accumulator", "SecondMoment",
                        "an optimizer has one second-moment estimate"));
                }
            }

            if (b.Accumulator is { } accumulator)
            {
                CheckRange(d, accumulator.Location, "Accumulator.InitialValue", accumulator.InitialValue, 0, true, null, false);
            }

            if (b.AmsGrad is { } ams && b.SecondMoment is null)
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingRequiredBlock, ams.Location, "AmsGrad", "SecondMoment",
                    "AMSGrad keeps the running maximum of an exponential second moment"));
            }

            if (b.BiasCorrection is { } bias && b.FirstMoment is null && b.SecondMoment is null)
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingRequiredBlock, bias.Location, "BiasCorrection", "FirstMoment",
                    "bias correction divides exponential moments by 1 - beta^t (add [FirstMoment] or [SecondMoment])"));
            }

            if (b.Epsilon is { } eps)
            {
                CheckRange(d, eps.Location, "Epsilon.Default", eps.Default, 0, true, null, false);
                if (!b.HasDenominator)
                {
                    d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OptionIgnored, eps.Location, "[Epsilon]",
                        "there is no denominator without [SecondMoment], [Accumulator] or [SM3]"));
                }
            }

            if (b.LrDecay is { } lrDecay)
            {
                CheckRange(d, lrDecay.Location, "LrDecay.Default", lrDecay.Default, 0, true, null, false);
            }

            if (b.SM3 is { } sm3)
            {
                CheckRange(d, sm3.Location, "SM3.Beta", sm3.Beta, 0, true, 1, false);
                Conflict(d, sm3, b.SecondMoment, "an optimizer has one second-moment estimate");
                Conflict(d, sm3, b.Accumulator, "an optimizer has one second-moment estimate");
            }

            if (b.Adafactor is { } ada)
            {
                ValidateAdafactor(d, ada, b);
            }

            if (b.CriticalBuffer is { } c)
            {
                ValidateCriticalBuffer(d, c, b);
            }

            ArgumentNames.Check(d, declaration);
            return d.ToEquatableArray();
        }

        private static void ValidateCriticalBuffer(List<DiagnosticInfo> d, CriticalBufferBlock c, BlockSet b)
        {
            if (c.TopC < 1)
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, c.Location, "CriticalBuffer.TopC",
                    c.TopC.ToString(CultureInfo.InvariantCulture), "the capacity C must be at least 1"));
            }

            CheckRange(d, c.Location, "CriticalBuffer.Decay", c.Decay, 0, false, 1, true);
            if (c.KappaUse == KappaUse.Switch)
            {
                CheckRange(d, c.Location, "CriticalBuffer.Kappa", c.Kappa, 0, false, null, false);
            }
            else
            {
                CheckRange(d, c.Location, "CriticalBuffer.Kappa", c.Kappa, 0, true, null, false);
            }

            if (c.MaxAge < 0)
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, c.Location, "CriticalBuffer.MaxAge",
                    c.MaxAge.ToString(CultureInfo.InvariantCulture), "must be ≥ 0 (0 = unlimited)"));
            }

            if (c.Source == CriticalSource.Momentum && b.FirstMoment is not { Input: MomentInput.Gradient })
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingRequiredBlock, c.Location, "CriticalBuffer(Source = Momentum)",
                    "FirstMoment", "critical momenta store the first moment of the gradient"));
            }

            if (c.FeedsSecondMoment && (c.Source != CriticalSource.Momentum || (b.SecondMoment is null && b.SM3 is null)))
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingRequiredBlock, c.Location, "CriticalBuffer(FeedsSecondMoment = true)",
                    "SecondMoment", "the aggregated momentum can only feed a second moment when Source = Momentum and [SecondMoment] or [SM3] is present"));
            }

            if (c.SeedWithGradient && c.Source != CriticalSource.Momentum)
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OptionIgnored, c.Location, "CriticalBuffer.SeedWithGradient",
                    "a buffer of gradients is always seeded with the gradient"));
            }

            if (c.Sum == CriticalSum.Recompute && c.Structure == CriticalBufferStructure.Slots)
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OptionIgnored, c.Location, "CriticalBuffer.Sum",
                    "the slot buffer always keeps a running sum, as its references do"));
            }

            if (c.RandomReplacement && c.Structure != CriticalBufferStructure.Slots)
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConflictingBlocks, c.Location, "CriticalBuffer(RandomReplacement = true)",
                    "CriticalBuffer(Structure = Heap)", "random replacement is defined for the slot buffer only"));
            }
        }

        private static void ValidateAdafactor(List<DiagnosticInfo> d, AdafactorBlock ada, BlockSet b)
        {
            CheckRange(d, ada.Location, "Adafactor.Eps1", ada.Eps1, 0, true, null, false);
            CheckRange(d, ada.Location, "Adafactor.Eps2", ada.Eps2, 0, true, null, false);
            CheckRange(d, ada.Location, "Adafactor.ClipThreshold", ada.ClipThreshold, 0, false, null, false);
            CheckRange(d, ada.Location, "Adafactor.DecayRate", ada.DecayRate, null, false, 0, true);
            if (ada.WarmupInit && !ada.RelativeStep)
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, ada.Location, "Adafactor.WarmupInit", "true",
                    "warm-up initialisation requires RelativeStep = true"));
            }

            const string why = "Adafactor brings its own moments, step size and weight decay";
            Conflict(d, b.SecondMoment, ada, why);
            Conflict(d, b.Accumulator, ada, why);
            Conflict(d, b.SM3, ada, why);
            Conflict(d, b.Momentum, ada, why);
            Conflict(d, b.FirstMoment, ada, why);
            Conflict(d, b.AmsGrad, ada, why);
            Conflict(d, b.BiasCorrection, ada, why);
            Conflict(d, b.Epsilon, ada, why);
            Conflict(d, b.LrDecay, ada, why);
            Conflict(d, b.WeightDecay, ada, why);
        }

        // Attribute arguments are C# constants, so `(AggregationRule)7` compiles: reject values the enum does not define.
        private static void CheckEnums(List<DiagnosticInfo> d, BlockSet b)
        {
            if (b.WeightDecay is { } wd)
            {
                Defined(d, wd, "WeightDecay.Mode", wd.Mode);
                Defined(d, wd, "WeightDecay.Order", wd.Order);
            }

            if (b.Momentum is { } m)
            {
                Defined(d, m, "Momentum.Input", m.Input);
            }

            if (b.FirstMoment is { } f)
            {
                Defined(d, f, "FirstMoment.Input", f.Input);
            }

            if (b.Epsilon is { } e)
            {
                Defined(d, e, "Epsilon.Placement", e.Placement);
            }

            if (b.CriticalBuffer is { } c)
            {
                Defined(d, c, "CriticalBuffer.KappaUse", c.KappaUse);
                Defined(d, c, "CriticalBuffer.Source", c.Source);
                Defined(d, c, "CriticalBuffer.Structure", c.Structure);
                Defined(d, c, "CriticalBuffer.Aggregation", c.Aggregation);
                Defined(d, c, "CriticalBuffer.FirstStep", c.FirstStep);
                Defined(d, c, "CriticalBuffer.Sum", c.Sum);
            }
        }

        private static void Defined<TEnum>(List<DiagnosticInfo> d, Block block, string name, TEnum value)
            where TEnum : struct
        {
            if (!System.Enum.IsDefined(typeof(TEnum), value))
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, block.Location, name,
                    System.Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
                    "not a defined " + typeof(TEnum).Name + " value"));
            }
        }

        // Reports at `block` that it cannot go with `other` (when both are present).
        private static void Conflict(List<DiagnosticInfo> d, Block? block, Block? other, string why)
        {
            if (block is not null && other is not null)
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConflictingBlocks, block.Location, block.AttributeName, other.AttributeName, why));
            }
        }

        private static void CheckRange(
            List<DiagnosticInfo> d, LocationInfo? location, string name, double value,
            double? min, bool minInclusive, double? max, bool maxInclusive)
        {
            bool ok = !double.IsNaN(value)
                && (min is null || (minInclusive ? value >= min : value > min))
                && (max is null || (maxInclusive ? value <= max : value < max));
            if (!ok)
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, location, name,
                    value.ToString("R", CultureInfo.InvariantCulture), Ranges.Describe(min, minInclusive, max, maxInclusive)));
            }
        }
    }
}
