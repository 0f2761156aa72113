using System.Collections.Generic;
using System.Linq;

namespace OptimDsl.PropertyTests.Declarations
{
    /// <summary>
    /// FsCheck shrinker of a <see cref="Declaration"/>: drop one block, drop one constructor argument, reset one option to
    /// its documented default, restore the canonical attribute order. Only valid candidates are offered (arguments of a
    /// dropped block are dropped with it).
    /// </summary>
    public static class DeclarationShrinker
    {
        public static IEnumerable<Declaration> Shrink(Declaration d)
        {
            var seen = new HashSet<string>();
            foreach (Declaration candidate in Candidates(d))
            {
                Declaration c = candidate.Normalized();
                string key = c.ToString();
                if (c.Invalidity() is null && key != d.ToString() && seen.Add(key))
                {
                    yield return c;
                }
            }
        }

        private static IEnumerable<Declaration> Candidates(Declaration d)
        {
            // Whole blocks first (biggest simplification), dependants together with what they depend on.
            if (d.Critical is not null) yield return d with { Critical = null, WeightDecay = d.WeightDecay is { } w0 ? w0 with { Order = WeightDecayOrder.BeforeCriticalBuffer } : null };
            if (d.Adafactor is not null) yield return d with { Adafactor = null, Critical = d.Critical is { } ca ? ca with { Source = CriticalSource.Gradient } : null };
            if (d.WeightDecay is not null) yield return d with { WeightDecay = null };
            if (d.Momentum is not null) yield return d with { Momentum = null };
            if (d.FirstMoment is not null)
            {
                yield return d with
                {
                    FirstMoment = null,
                    BiasCorrection = d.BiasCorrection && d.SecondMoment is not null,
                    Critical = d.Critical is { } cf ? cf with { Source = CriticalSource.Gradient, FeedsSecondMoment = false, SeedWithGradient = false } : null,
                };
            }

            if (d.SecondMoment is not null)
            {
                yield return d with
                {
                    SecondMoment = null,
                    AmsGrad = false,
                    BiasCorrection = d.BiasCorrection && d.FirstMoment is not null,
                    Epsilon = d.Accumulator is null && d.Sm3 is null ? null : d.Epsilon,
                    Critical = d.Critical is { } cs && d.Sm3 is null ? cs with { FeedsSecondMoment = false } : d.Critical,
                };
            }

            if (d.Accumulator is not null) yield return d with { Accumulator = null, Epsilon = null };
            if (d.Sm3 is not null) yield return d with { Sm3 = null, Epsilon = null, Critical = d.Critical is { } c3 ? c3 with { FeedsSecondMoment = false } : null };
            if (d.AmsGrad) yield return d with { AmsGrad = false, AmsGradDefault = false };
            if (d.AmsGradDefault) yield return d with { AmsGradDefault = false };
            if (d.MaximizeDefault) yield return d with { MaximizeDefault = false };
            if (d.SecondMoment is { CenteredDefault: true } centered) yield return d with { SecondMoment = centered with { CenteredDefault = false } };
            if (d.BiasCorrection) yield return d with { BiasCorrection = false };
            if (d.Epsilon is not null) yield return d with { Epsilon = null };
            if (d.LrDecay is not null) yield return d with { LrDecay = null };
            if (d.SkipNonFinite is not null) yield return d with { SkipNonFinite = null };
            if (d.Maximize) yield return d with { Maximize = false, MaximizeDefault = false };

            // Constructor arguments.
            foreach (string name in d.Args.Keys)
            {
                yield return d with { Args = d.Args.Remove(name) };
            }

            if (d.AttributeOrder != 0) yield return d with { AttributeOrder = 0 };

            // Options back to their defaults.
            if (d.Lr != 1e-3) yield return d with { Lr = 1e-3 };
            if (d.WeightDecay is { } wd)
            {
                if (wd.Default != 0) yield return d with { WeightDecay = wd with { Default = 0 } };
                if (wd.Mode != WeightDecayMode.L2) yield return d with { WeightDecay = wd with { Mode = WeightDecayMode.L2 } };
                if (wd.Order != WeightDecayOrder.BeforeCriticalBuffer) yield return d with { WeightDecay = wd with { Order = WeightDecayOrder.BeforeCriticalBuffer } };
            }

            if (d.Momentum is { } m)
            {
                if (m.Nesterov) yield return d with { Momentum = m with { Nesterov = false } };
                if (m.Default != 0) yield return d with { Momentum = m with { Default = 0, Nesterov = false } };
                if (m.Dampening != 0) yield return d with { Momentum = m with { Dampening = 0 } };
                if (m.Input != MomentInput.Gradient) yield return d with { Momentum = m with { Input = MomentInput.Gradient } };
            }

            if (d.FirstMoment is { } fm)
            {
                if (fm.Beta != 0.9) yield return d with { FirstMoment = fm with { Beta = 0.9 } };
                if (fm.Name != "beta1") yield return d with { FirstMoment = fm with { Name = "beta1" }, Args = Rename(d, fm.Name, "beta1") };
                if (fm.Input != MomentInput.Gradient) yield return d with { FirstMoment = fm with { Input = MomentInput.Gradient } };
            }

            if (d.SecondMoment is { } sm)
            {
                if (sm.Beta != 0.999) yield return d with { SecondMoment = sm with { Beta = 0.999 } };
                if (sm.Name != "beta2") yield return d with { SecondMoment = sm with { Name = "beta2" }, Args = Rename(d, sm.Name, "beta2") };
                if (sm.Centered) yield return d with { SecondMoment = sm with { Centered = false } };
            }

            if (d.Accumulator is { InitialValue: not 0.0 }) yield return d with { Accumulator = new AccumulatorDecl(0) };
            if (d.Sm3 is { Beta: not 0.0 }) yield return d with { Sm3 = new Sm3Decl(0) };
            if (d.Epsilon is { } eps)
            {
                if (eps.Default != 1e-8) yield return d with { Epsilon = eps with { Default = 1e-8 } };
                if (eps.Placement != EpsilonPlacement.OutsideSqrt) yield return d with { Epsilon = eps with { Placement = EpsilonPlacement.OutsideSqrt } };
            }

            if (d.LrDecay is { Default: not 0.0 }) yield return d with { LrDecay = new LrDecayDecl(0) };
            if (d.Adafactor is { } a)
            {
                var defaults = new AdafactorDecl(1e-30, 1e-3, 1.0, -0.8, true, true, false);
                if (a.Eps1 != defaults.Eps1) yield return d with { Adafactor = a with { Eps1 = defaults.Eps1 } };
                if (a.Eps2 != defaults.Eps2) yield return d with { Adafactor = a with { Eps2 = defaults.Eps2 } };
                if (a.ClipThreshold != defaults.ClipThreshold) yield return d with { Adafactor = a with { ClipThreshold = defaults.ClipThreshold } };
                if (a.DecayRate != defaults.DecayRate) yield return d with { Adafactor = a with { DecayRate = defaults.DecayRate } };
                if (!a.ScaleParameter) yield return d with { Adafactor = a with { ScaleParameter = true } };
                if (a.WarmupInit) yield return d with { Adafactor = a with { WarmupInit = false } };
            }

            if (d.Critical is { } c)
            {
                var def = new CriticalDecl(10, 0.7, 1.0, KappaUse.Weight, CriticalSource.Gradient, true, CriticalBufferStructure.Slots,
                    AggregationRule.Sum, false, CriticalFirstStep.Unaggregated, false, false, false, true, 0);
                if (c.FeedsSecondMoment) yield return d with { Critical = c with { FeedsSecondMoment = false } };
                if (c.SeedWithGradient) yield return d with { Critical = c with { SeedWithGradient = false } };
                if (c.Source != def.Source) yield return d with { Critical = c with { Source = def.Source, FeedsSecondMoment = false, SeedWithGradient = false } };
                if (c.RandomReplacement) yield return d with { Critical = c with { RandomReplacement = false } };
                if (c.FirstStep != def.FirstStep) yield return d with { Critical = c with { FirstStep = def.FirstStep } };
                if (c.MaxAge != def.MaxAge) yield return d with { Critical = c with { MaxAge = def.MaxAge } };
                if (c.Sum != def.Sum) yield return d with { Critical = c with { Sum = def.Sum } };
                if (c.Structure != def.Structure) yield return d with { Critical = c with { Structure = def.Structure, RandomReplacement = false, Sum = def.Sum } };
                if (c.Aggregation != def.Aggregation) yield return d with { Critical = c with { Aggregation = def.Aggregation } };
                if (c.AggregationArgument) yield return d with { Critical = c with { AggregationArgument = false } };
                if (c.KappaUse != def.KappaUse) yield return d with { Critical = c with { KappaUse = def.KappaUse } };
                if (c.Kappa != def.Kappa) yield return d with { Critical = c with { Kappa = def.Kappa } };
                if (c.Synced != def.Synced) yield return d with { Critical = c with { Synced = def.Synced } };
                if (c.TopC != def.TopC) yield return d with { Critical = c with { TopC = def.TopC } };
                if (c.Decay != def.Decay) yield return d with { Critical = c with { Decay = def.Decay } };
                if (c.BufferDtypeArgument != def.BufferDtypeArgument) yield return d with { Critical = c with { BufferDtypeArgument = def.BufferDtypeArgument } };
            }
        }

        private static System.Collections.Immutable.ImmutableSortedDictionary<string, object?> Rename(Declaration d, string from, string to) =>
            d.Args.TryGetValue(from, out object? v) ? d.Args.Remove(from).SetItem(to, v) : d.Args;
    }
}
