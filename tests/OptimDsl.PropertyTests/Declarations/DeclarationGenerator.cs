using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace OptimDsl.PropertyTests.Declarations
{
    /// <summary>
    /// Random valid declarations (composition rules of docs/DSL.md and the validator), with random attribute constants
    /// and random constructor arguments, all in the documented ranges. Deterministic in the seed FsCheck draws.
    /// </summary>
    public static class DeclarationGenerator
    {
        public static Declaration Create(int seed)
        {
            var r = new Random(seed);
            for (int attempt = 0; ; attempt++)
            {
                Declaration d = Draw(r);
                if (d.Invalidity() is null)
                {
                    return d;
                }

                if (attempt > 1000)
                {
                    throw new InvalidOperationException("no valid declaration drawn: " + d.Invalidity() + d);
                }
            }
        }

        private static Declaration Draw(Random r)
        {
            bool adafactor = r.NextDouble() < 0.1;
            var d = new Declaration
            {
                Lr = Pick(r, 1e-3, 0.01, 0.05, 0.1, Uniform(r, 1e-3, 0.2)),
                Maximize = r.NextDouble() < 0.25,
                SkipNonFinite = r.NextDouble() < 0.2 ? new SkipNonFiniteDecl(r.NextDouble() < 0.7) : null,
                AttributeOrder = r.NextDouble() < 0.5 ? 0 : r.Next(1, int.MaxValue),
            };

            if (adafactor)
            {
                bool relative = r.NextDouble() < 0.6;
                d = d with
                {
                    Adafactor = new AdafactorDecl(
                        Pick(r, 1e-30, 1e-20, 1e-8),
                        Pick(r, 1e-3, 1e-2, 0.0),
                        Pick(r, 1.0, 0.5, 2.0, 100.0),
                        Pick(r, -0.8, -0.5, -1.0, 0.0 - Uniform(r, 0.1, 1.0)),
                        r.NextDouble() < 0.6,
                        relative,
                        relative && r.NextDouble() < 0.3),
                    Critical = r.NextDouble() < 0.6 ? DrawCritical(r, firstMomentOnGradients: false, secondMomentOrSm3: false) : null,
                };
            }
            else
            {
                int moment = r.Next(3); // none, heavy-ball momentum, first moment
                int second = r.Next(4); // none, second moment, accumulator, SM3
                if (moment == 1)
                {
                    bool preconditioned = r.NextDouble() < 0.35;
                    double m = Pick(r, 0.0, 0.9, 0.5, Uniform(r, 0.0, 0.99));
                    bool nesterov = !preconditioned && m > 0 && r.NextDouble() < 0.3;
                    double damp = preconditioned || nesterov ? 0.0 : Pick(r, 0.0, 0.0, 0.1, 1.0, Uniform(r, 0, 1));
                    d = d with { Momentum = new MomentumDecl(m, damp, nesterov, preconditioned ? MomentInput.Preconditioned : MomentInput.Gradient) };
                }
                else if (moment == 2)
                {
                    d = d with
                    {
                        FirstMoment = new FirstMomentDecl(
                            Pick(r, 0.9, 0.5, 0.0, Uniform(r, 0.0, 0.99)),
                            r.NextDouble() < 0.7 ? "beta1" : "b1",
                            r.NextDouble() < 0.25 ? MomentInput.Preconditioned : MomentInput.Gradient),
                    };
                }

                if (second == 1)
                {
                    d = d with
                    {
                        SecondMoment = new SecondMomentDecl(Pick(r, 0.999, 0.99, 0.9, Uniform(r, 0.5, 0.999)), r.NextDouble() < 0.7 ? "beta2" : "alpha", r.NextDouble() < 0.3),
                        AmsGrad = r.NextDouble() < 0.3,
                    };
                }
                else if (second == 2)
                {
                    d = d with { Accumulator = new AccumulatorDecl(Pick(r, 0.0, 0.1, Uniform(r, 0, 1))) };
                }
                else if (second == 3)
                {
                    d = d with { Sm3 = new Sm3Decl(Pick(r, 0.0, 0.0, 0.5, 0.9, Uniform(r, 0, 0.99))) };
                }

                d = d with
                {
                    BiasCorrection = (d.FirstMoment is not null || d.SecondMoment is not null) && r.NextDouble() < 0.6,
                    Epsilon = d.HasDenominator && r.NextDouble() < 0.8
                        ? new EpsilonDecl(Pick(r, 1e-8, 1e-6, 1e-3, 1e-10, 0.1), r.NextDouble() < 0.3 ? EpsilonPlacement.InsideSqrt : EpsilonPlacement.OutsideSqrt)
                        : null,
                    LrDecay = r.NextDouble() < 0.2 ? new LrDecayDecl(Pick(r, 0.0, 0.01, 0.1, Uniform(r, 0, 0.5))) : null,
                    Critical = r.NextDouble() < 0.65
                        ? DrawCritical(r, d.FirstMoment is { Input: MomentInput.Gradient }, d.SecondMoment is not null || d.Sm3 is not null)
                        : null,
                };

                if (r.NextDouble() < 0.4)
                {
                    bool l2 = r.NextDouble() < 0.5;
                    bool after = l2 && d.Critical is { Source: CriticalSource.Gradient } && r.NextDouble() < 0.5;
                    d = d with
                    {
                        WeightDecay = new WeightDecayDecl(
                            Pick(r, 0.0, 0.01, 0.1, Uniform(r, 0, 0.2)),
                            l2 ? WeightDecayMode.L2 : WeightDecayMode.Decoupled,
                            after ? WeightDecayOrder.AfterCriticalBuffer : WeightDecayOrder.BeforeCriticalBuffer),
                    };
                }
            }

            // Declared defaults of the switches ([Maximize(Default = true)], ...): the generated argument defaults to them.
            d = d with
            {
                MaximizeDefault = d.Maximize && r.NextDouble() < 0.3,
                AmsGradDefault = d.AmsGrad && r.NextDouble() < 0.3,
                SecondMoment = d.SecondMoment is { Centered: true } sm && r.NextDouble() < 0.3 ? sm with { CenteredDefault = true } : d.SecondMoment,
            };
            return d with { Args = DrawArguments(r, d) };
        }

        private static CriticalDecl DrawCritical(Random r, bool firstMomentOnGradients, bool secondMomentOrSm3)
        {
            bool momentumSource = firstMomentOnGradients && r.NextDouble() < 0.5;
            bool heap = r.NextDouble() < 0.4;
            KappaUse use = r.NextDouble() < 0.6 ? KappaUse.Weight : KappaUse.Switch;
            double kappa = use == KappaUse.Weight ? Pick(r, 1.0, 1.0, 0.0, 0.5, 2.0, Uniform(r, 0, 3)) : Pick(r, 1.0, 0.5, Uniform(r, 0.01, 3));
            return new CriticalDecl(
                TopC: Pick(r, 1, 2, 3, 5, r.Next(1, 12)),
                Decay: Pick(r, 0.7, 0.9, 0.99, 1.0, 0.3, Uniform(r, 0.05, 1.0)),
                Kappa: kappa,
                KappaUse: use,
                Source: momentumSource ? CriticalSource.Momentum : CriticalSource.Gradient,
                Synced: r.NextDouble() < 0.6,
                Structure: heap ? CriticalBufferStructure.Heap : CriticalBufferStructure.Slots,
                Aggregation: Pick(r, AggregationRule.Sum, AggregationRule.Mid, AggregationRule.Mean, AggregationRule.BufferMeanOnly),
                AggregationArgument: r.NextDouble() < 0.4,
                FirstStep: r.NextDouble() < 0.3 ? CriticalFirstStep.NoOp : CriticalFirstStep.Unaggregated,
                FeedsSecondMoment: momentumSource && secondMomentOrSm3 && r.NextDouble() < 0.5,
                SeedWithGradient: momentumSource && r.NextDouble() < 0.5,
                RandomReplacement: !heap && r.NextDouble() < 0.35,
                BufferDtypeArgument: r.NextDouble() < 0.8,
                MaxAge: Pick(r, 0, 0, 1, 2, 3, r.Next(1, 8)),
                Sum: heap && r.NextDouble() < 0.3 ? CriticalSum.Recompute : CriticalSum.Running);
        }

        private static ImmutableSortedDictionary<string, object?> DrawArguments(Random r, Declaration d)
        {
            var args = ImmutableSortedDictionary<string, object?>.Empty.WithComparers(StringComparer.Ordinal);
            bool Maybe(double p = 0.35) => r.NextDouble() < p;
            if (d.Adafactor is { } ada)
            {
                bool relative = Maybe(0.25) ? !ada.RelativeStep : ada.RelativeStep;
                if (relative != ada.RelativeStep) args = args.Add("relative_step", relative);
                if (!relative)
                {
                    args = args.Add("lr", Pick(r, 0.01, 0.1, Uniform(r, 1e-3, 0.2)));
                    if (ada.WarmupInit) args = args.Add("warmup_init", false);
                }
                else if (Maybe(0.2))
                {
                    args = args.Add("warmup_init", !ada.WarmupInit);
                }

                if (Maybe()) args = args.Add("beta1", Pick(r, 0.9, 0.0, Uniform(r, 0, 0.99)));
                if (Maybe()) args = args.Add("weight_decay", Pick(r, 0.0, 0.01, Uniform(r, 0, 0.5)));
                if (Maybe(0.2)) args = args.Add("scale_parameter", !ada.ScaleParameter);
                if (Maybe(0.2)) args = args.Add("clip_threshold", Pick(r, 1.0, 0.1, 10.0));
                if (Maybe(0.2)) args = args.Add("decay_rate", 0.0 - Uniform(r, 0.1, 1.0));
                if (Maybe(0.2)) args = args.Add("eps1", Pick(r, 1e-30, 1e-10));
                if (Maybe(0.2)) args = args.Add("eps2", Pick(r, 1e-3, 0.0, 0.1));
            }
            else if (Maybe())
            {
                args = args.Add("lr", Pick(r, 0.01, 0.1, Uniform(r, 1e-3, 0.2)));
            }

            if (d.Maximize && Maybe(0.7)) args = args.Add("maximize", !d.MaximizeDefault);
            if (d.WeightDecay is not null && Maybe()) args = args.Add("weight_decay", Pick(r, 0.0, 0.05, Uniform(r, 0, 0.2)));
            if (d.Momentum is { } m)
            {
                if (m.Input == MomentInput.Preconditioned)
                {
                    if (Maybe()) args = args.Add("momentum", Pick(r, 0.0, 0.9, Uniform(r, 0, 0.99)));
                }
                else
                {
                    double momentum = Maybe() ? Pick(r, 0.0, 0.9, Uniform(r, 0, 0.99)) : m.Default;
                    double dampening = m.Dampening;
                    bool nesterov = m.Nesterov;
                    if (Maybe(0.25)) dampening = Pick(r, 0.0, 0.5, 1.0);
                    if (Maybe(0.25)) nesterov = !nesterov;
                    if (nesterov && (momentum <= 0 || dampening != 0))
                    {
                        nesterov = false;
                    }

                    if (momentum != m.Default) args = args.Add("momentum", momentum);
                    if (dampening != m.Dampening) args = args.Add("dampening", dampening);
                    if (nesterov != m.Nesterov) args = args.Add("nesterov", nesterov);
                }
            }

            if (d.FirstMoment is { } fm && Maybe()) args = args.Add(fm.Name, Pick(r, 0.9, 0.0, Uniform(r, 0, 0.99)));
            if (d.SecondMoment is { } sm)
            {
                if (Maybe()) args = args.Add(sm.Name, Pick(r, 0.999, 0.9, Uniform(r, 0.5, 0.999)));
                if (sm.Centered && Maybe(0.7)) args = args.Add("centered", !sm.CenteredDefault);
            }

            if (d.AmsGrad && Maybe(0.7)) args = args.Add("amsgrad", !d.AmsGradDefault);
            if (d.Accumulator is not null && Maybe()) args = args.Add("initial_accumulator_value", Pick(r, 0.0, 0.5, Uniform(r, 0, 1)));
            if (d.Sm3 is not null && Maybe()) args = args.Add("beta", Pick(r, 0.0, 0.5, Uniform(r, 0, 0.99)));
            if (d.Epsilon is not null && Maybe()) args = args.Add("eps", Pick(r, 1e-8, 1e-4, 0.01));
            if (d.LrDecay is not null && Maybe()) args = args.Add("lr_decay", Pick(r, 0.0, 0.05, Uniform(r, 0, 0.5)));
            if (d.SkipNonFinite is { } skip && Maybe(0.3)) args = args.Add("skip_nonfinite", !skip.Default);
            if (d.Critical is { } c)
            {
                if (Maybe()) args = args.Add("topC", Pick(r, 1, 2, 4, r.Next(1, 10)));
                if (Maybe()) args = args.Add("decay", Pick(r, 0.5, 1.0, Uniform(r, 0.05, 1.0)));
                if (Maybe(0.25)) args = args.Add("kappa", c.KappaUse == KappaUse.Weight ? Pick(r, 0.0, 1.0, Uniform(r, 0, 3)) : Pick(r, 1.0, Uniform(r, 0.01, 3)));
                if (Maybe(0.3)) args = args.Add("synced", !c.Synced);
                if (Maybe(0.3)) args = args.Add("max_age", Pick(r, 0, 1, 2, r.Next(1, 6)));
                if (c.AggregationArgument && Maybe(0.6)) args = args.Add("aggr", Pick(r, AggregationRule.Sum, AggregationRule.Mid, AggregationRule.Mean, AggregationRule.BufferMeanOnly));
                if (c.RandomReplacement && Maybe(0.6)) args = args.Add("critical_test", Pick(r, 0.0, 1.0));
                if (c.RandomReplacement && Maybe(0.3)) args = args.Add("seed", (ulong)r.Next());
            }

            return args;
        }

        public static T Pick<T>(Random r, params T[] values) => values[r.Next(values.Length)];

        public static double Uniform(Random r, double lo, double hi) => lo + (hi - lo) * r.NextDouble();
    }
}
