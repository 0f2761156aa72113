using System.Collections.Generic;
using System.Globalization;
using OptimDsl.Generator.Arguments;
using OptimDsl.Generator.Diagnostics;
using OptimDsl.Generator.Model;
using OptimDsl.Shared;

namespace OptimDsl.Generator.Validation
{
    /// <summary>
    /// Stage 2 (validate): composition rules and constant ranges, as diagnostics located at the offending named argument
    /// (or at the attribute, when the block itself is the problem). Pure: needs nothing but the parsed declaration and the
    /// argument list (<see cref="HyperParameters"/>), which says which property is which argument's default and its role.
    /// </summary>
    internal static class DeclarationValidator
    {
        public static EquatableArray<DiagnosticInfo> Validate(OptimizerDeclaration declaration)
        {
            var d = new List<DiagnosticInfo>();
            BlockSet b = declaration.Blocks;

            List<HyperParameter> arguments = HyperParameters.For(declaration);

            // Every declared default against its argument's range (the role's, the same the generated code checks at run time).
            foreach (HyperParameter h in arguments)
            {
                if (h.Declared is { } declared && h.Range is { } range)
                {
                    CheckRange(d, declaration.LocationOf(declared.Attribute, declared.Property), declared.Path, declared.Value, range);
                }
            }

            // Declared values that are no argument's default (ignored by the block), checked by the role they would have.
            if (b.Adafactor is not null)
            {
                CheckRange(d, declaration.LocationOf("Optimizer", nameof(OptimizerAttribute.Lr)), "Optimizer.Lr", declaration.Lr, ArgumentRoles.RangeOf(ArgumentRole.LearningRate)!.Value);
            }

            if (b.Momentum is { Input: MomentInput.Preconditioned } preconditioned)
            {
                CheckRange(d, preconditioned.At(nameof(MomentumAttribute.Dampening)), "Momentum.Dampening", preconditioned.Dampening, ArgumentRoles.RangeOf(ArgumentRole.Fraction)!.Value);
            }

            CheckEnums(d, b);

            if (b.WeightDecay is { } wd)
            {
                bool gradientBuffer = b.CriticalBuffer is { Source: CriticalSource.Gradient };
                if (wd.Order == WeightDecayOrder.AfterCriticalBuffer && (wd.Mode == WeightDecayMode.Decoupled || !gradientBuffer))
                {
                    d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OptionIgnored, wd.At(nameof(WeightDecayAttribute.Order)), "WeightDecay.Order",
                        "it only orders an L2 term relative to a [CriticalBuffer] on gradients"));
                }
            }

            if (b.Momentum is { } m)
            {
                if (m.Nesterov && (m.Default <= 0 || m.Dampening != 0))
                {
                    d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, m.At(nameof(MomentumAttribute.Nesterov)), "Momentum.Nesterov", "true",
                        "Nesterov momentum requires Default > 0 and Dampening = 0"));
                }

                if (m.Input == MomentInput.Preconditioned && (m.Nesterov || m.Dampening != 0))
                {
                    d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OptionIgnored,
                        m.AtFirst(nameof(MomentumAttribute.Nesterov), nameof(MomentumAttribute.Dampening)), "Momentum.Nesterov/Dampening",
                        "momentum of the preconditioned update has neither dampening nor Nesterov arguments"));
                }

                if (b.FirstMoment is { } fm)
                {
                    d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConflictingBlocks, fm.Location, "FirstMoment", "Momentum",
                        "both keep a momentum buffer"));
                }
            }

            if (b.SecondMoment is { } second)
            {
                if (second.CenteredDefault && !second.Centered)
                {
                    d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OptionIgnored, second.At(nameof(SecondMomentAttribute.CenteredDefault)), "SecondMoment.CenteredDefault",
                        "there is no centered argument without Centered = true"));
                }

                if (b.Accumulator is { } acc)
                {
                    d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConflictingBlocks, acc.Location, "Accumulator", "SecondMoment",
                        "an optimizer has one second-moment estimate"));
                }
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
                if (!b.HasDenominator)
                {
                    d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OptionIgnored, eps.Location, "[Epsilon]",
                        "there is no denominator without [SecondMoment], [Accumulator] or [SM3]"));
                }
            }

            if (b.SM3 is { } sm3)
            {
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

            ArgumentNames.Check(d, declaration, arguments);
            return d.ToEquatableArray();
        }

        private static void ValidateCriticalBuffer(List<DiagnosticInfo> d, CriticalBufferBlock c, BlockSet b)
        {
            if (c.Source == CriticalSource.Momentum && b.FirstMoment is not { Input: MomentInput.Gradient })
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingRequiredBlock, c.At(nameof(CriticalBufferAttribute.Source)), "CriticalBuffer(Source = Momentum)",
                    "FirstMoment", "critical momenta store the first moment of the gradient"));
            }

            if (c.FeedsSecondMoment && (c.Source != CriticalSource.Momentum || (b.SecondMoment is null && b.SM3 is null)))
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingRequiredBlock, c.At(nameof(CriticalBufferAttribute.FeedsSecondMoment)), "CriticalBuffer(FeedsSecondMoment = true)",
                    "SecondMoment", "the aggregated momentum can only feed a second moment when Source = Momentum and [SecondMoment] or [SM3] is present"));
            }

            if (c.SeedWithGradient && c.Source != CriticalSource.Momentum)
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OptionIgnored, c.At(nameof(CriticalBufferAttribute.SeedWithGradient)), "CriticalBuffer.SeedWithGradient",
                    "a buffer of gradients is always seeded with the gradient"));
            }

            if (c.Sum == CriticalSum.Recompute && c.Structure == CriticalBufferStructure.Slots)
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OptionIgnored, c.At(nameof(CriticalBufferAttribute.Sum)), "CriticalBuffer.Sum",
                    "the slot buffer always keeps a running sum, as its references do"));
            }

            if (c.RandomReplacement && c.Structure != CriticalBufferStructure.Slots)
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ConflictingBlocks, c.At(nameof(CriticalBufferAttribute.RandomReplacement)), "CriticalBuffer(RandomReplacement = true)",
                    "CriticalBuffer(Structure = Heap)", "random replacement is defined for the slot buffer only"));
            }
        }

        private static void ValidateAdafactor(List<DiagnosticInfo> d, AdafactorBlock ada, BlockSet b)
        {
            if (ada.WarmupInit && !ada.RelativeStep)
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, ada.At(nameof(AdafactorAttribute.WarmupInit)), "Adafactor.WarmupInit", "true",
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
                Defined(d, wd, nameof(WeightDecayAttribute.Mode), wd.Mode);
                Defined(d, wd, nameof(WeightDecayAttribute.Order), wd.Order);
            }

            if (b.Momentum is { } m)
            {
                Defined(d, m, nameof(MomentumAttribute.Input), m.Input);
            }

            if (b.FirstMoment is { } f)
            {
                Defined(d, f, nameof(FirstMomentAttribute.Input), f.Input);
            }

            if (b.Epsilon is { } e)
            {
                Defined(d, e, nameof(EpsilonAttribute.Placement), e.Placement);
            }

            if (b.CriticalBuffer is { } c)
            {
                Defined(d, c, nameof(CriticalBufferAttribute.KappaUse), c.KappaUse);
                Defined(d, c, nameof(CriticalBufferAttribute.Source), c.Source);
                Defined(d, c, nameof(CriticalBufferAttribute.Structure), c.Structure);
                Defined(d, c, nameof(CriticalBufferAttribute.Aggregation), c.Aggregation);
                Defined(d, c, nameof(CriticalBufferAttribute.FirstStep), c.FirstStep);
                Defined(d, c, nameof(CriticalBufferAttribute.Sum), c.Sum);
            }
        }

        private static void Defined<TEnum>(List<DiagnosticInfo> d, Block block, string property, TEnum value)
            where TEnum : struct
        {
            if (!System.Enum.IsDefined(typeof(TEnum), value))
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, block.At(property), block.AttributeName + "." + property,
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

        private static void CheckRange(List<DiagnosticInfo> d, LocationInfo? location, string name, double value, Interval range)
        {
            if (!range.Contains(value))
            {
                d.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange, location, name,
                    value.ToString("R", CultureInfo.InvariantCulture), "allowed range " + range.Describe()));
            }
        }
    }
}
