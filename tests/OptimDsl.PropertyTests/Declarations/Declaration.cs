using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using OptimDsl.PropertyTests.Reference;

namespace OptimDsl.PropertyTests.Declarations
{
    public sealed record WeightDecayDecl(double Default, WeightDecayMode Mode, WeightDecayOrder Order);

    public sealed record MomentumDecl(double Default, double Dampening, bool Nesterov, MomentInput Input);

    public sealed record FirstMomentDecl(double Beta, string Name, MomentInput Input);

    public sealed record SecondMomentDecl(double Beta, string Name, bool Centered, bool CenteredDefault = false);

    public sealed record AccumulatorDecl(double InitialValue);

    public sealed record Sm3Decl(double Beta);

    public sealed record EpsilonDecl(double Default, EpsilonPlacement Placement);

    public sealed record LrDecayDecl(double Default);

    /// <summary><c>[SkipNonFinite(Default)]</c>: with finite gradients (the properties' inputs) it changes nothing.</summary>
    public sealed record SkipNonFiniteDecl(bool Default);

    public sealed record AdafactorDecl(double Eps1, double Eps2, double ClipThreshold, double DecayRate, bool ScaleParameter, bool RelativeStep, bool WarmupInit);

    public sealed record CriticalDecl(
        int TopC,
        double Decay,
        double Kappa,
        KappaUse KappaUse,
        CriticalSource Source,
        bool Synced,
        CriticalBufferStructure Structure,
        AggregationRule Aggregation,
        bool AggregationArgument,
        CriticalFirstStep FirstStep,
        bool FeedsSecondMoment,
        bool SeedWithGradient,
        bool RandomReplacement,
        bool BufferDtypeArgument,
        int MaxAge,
        CriticalSum Sum = CriticalSum.Running);

    /// <summary>
    /// One optimizer declaration of the DSL (attribute constants, as in docs/DSL.md) plus the constructor arguments a test
    /// passes by name (<see cref="Args"/>: generated argument name → value; absent = the attribute's default).
    /// </summary>
    public sealed record Declaration
    {
        public double Lr { get; init; } = 1e-3;

        public bool Maximize { get; init; }

        /// <summary>The declared default of <c>maximize</c> (<c>[Maximize(Default = true)]</c>).</summary>
        public bool MaximizeDefault { get; init; }

        public WeightDecayDecl? WeightDecay { get; init; }

        public MomentumDecl? Momentum { get; init; }

        public FirstMomentDecl? FirstMoment { get; init; }

        public SecondMomentDecl? SecondMoment { get; init; }

        public AccumulatorDecl? Accumulator { get; init; }

        public Sm3Decl? Sm3 { get; init; }

        public AdafactorDecl? Adafactor { get; init; }

        public bool AmsGrad { get; init; }

        /// <summary>The declared default of <c>amsgrad</c> (<c>[AmsGrad(Default = true)]</c>).</summary>
        public bool AmsGradDefault { get; init; }

        public bool BiasCorrection { get; init; }

        public EpsilonDecl? Epsilon { get; init; }

        public LrDecayDecl? LrDecay { get; init; }

        public CriticalDecl? Critical { get; init; }

        public SkipNonFiniteDecl? SkipNonFinite { get; init; }

        /// <summary>Permutes the attributes in the source (0: canonical order); the step order must not depend on it.</summary>
        public int AttributeOrder { get; init; }

        /// <summary>Constructor arguments by generated name.</summary>
        public ImmutableSortedDictionary<string, object?> Args { get; init; } = ImmutableSortedDictionary<string, object?>.Empty.WithComparers(StringComparer.Ordinal);

        public bool HasDenominator => SecondMoment is not null || Accumulator is not null || Sm3 is not null;

        // ------------------------------------------------------------------ generated arguments

        /// <summary>The generated argument names (docs/DSL.md "generated arguments") and their default values.</summary>
        public IReadOnlyList<(string Name, object? Default)> Arguments()
        {
            var list = new List<(string, object?)>();
            if (Adafactor is { } ada)
            {
                list.Add(("lr", null));
                list.Add(("eps1", ada.Eps1));
                list.Add(("eps2", ada.Eps2));
                list.Add(("clip_threshold", ada.ClipThreshold));
                list.Add(("decay_rate", ada.DecayRate));
                list.Add(("beta1", null));
                list.Add(("weight_decay", 0.0));
                list.Add(("scale_parameter", ada.ScaleParameter));
                list.Add(("relative_step", ada.RelativeStep));
                list.Add(("warmup_init", ada.WarmupInit));
            }
            else
            {
                list.Add(("lr", Lr));
            }

            if (Maximize)
            {
                list.Add(("maximize", MaximizeDefault));
            }

            if (WeightDecay is { } wd)
            {
                list.Add(("weight_decay", wd.Default));
            }

            if (Momentum is { } m)
            {
                list.Add(("momentum", m.Default));
                if (m.Input == MomentInput.Gradient)
                {
                    list.Add(("dampening", m.Dampening));
                    list.Add(("nesterov", m.Nesterov));
                }
            }

            if (FirstMoment is { } fm)
            {
                list.Add((fm.Name, fm.Beta));
            }

            if (SecondMoment is { } sm)
            {
                list.Add((sm.Name, sm.Beta));
                if (sm.Centered)
                {
                    list.Add(("centered", sm.CenteredDefault));
                }
            }

            if (Accumulator is { } acc)
            {
                list.Add(("initial_accumulator_value", acc.InitialValue));
            }

            if (Sm3 is { } sm3)
            {
                list.Add(("beta", sm3.Beta));
            }

            if (AmsGrad)
            {
                list.Add(("amsgrad", AmsGradDefault));
            }

            if (Epsilon is { } eps)
            {
                list.Add(("eps", eps.Default));
            }

            if (LrDecay is { } lrDecay)
            {
                list.Add(("lr_decay", lrDecay.Default));
            }

            if (SkipNonFinite is { } skip)
            {
                list.Add(("skip_nonfinite", skip.Default));
            }

            if (Critical is { } c)
            {
                list.Add(("topC", c.TopC));
                list.Add(("decay", c.Decay));
                list.Add(("kappa", c.Kappa));
                list.Add(("synced", c.Synced));
                list.Add(("max_age", c.MaxAge));
                if (c.AggregationArgument)
                {
                    list.Add(("aggr", c.Aggregation));
                }

                if (c.RandomReplacement)
                {
                    list.Add(("critical_test", 0.0));
                    list.Add(("seed", 0UL));
                }
            }

            return list;
        }

        /// <summary>The effective value of argument <paramref name="name"/>: the passed argument, else its default.</summary>
        public T Effective<T>(string name)
        {
            if (Args.TryGetValue(name, out object? passed))
            {
                return (T)passed!;
            }

            foreach ((string n, object? d) in Arguments())
            {
                if (n == name)
                {
                    return (T)d!;
                }
            }

            throw new InvalidOperationException("no generated argument " + name);
        }

        private T? EffectiveNullable<T>(string name)
            where T : struct =>
            Args.TryGetValue(name, out object? passed) ? (T?)passed : null;

        // ------------------------------------------------------------------ reference configuration

        /// <summary>The effective configuration of the reference (docs/DSL.md semantics).</summary>
        public RefConfig ToReference()
        {
            RefAdafactor? ada = Adafactor is null
                ? null
                : new RefAdafactor(
                    EffectiveNullable<double>("lr"),
                    Effective<double>("eps1"),
                    Effective<double>("eps2"),
                    Effective<double>("clip_threshold"),
                    Effective<double>("decay_rate"),
                    EffectiveNullable<double>("beta1"),
                    Effective<double>("weight_decay"),
                    Effective<bool>("scale_parameter"),
                    Effective<bool>("relative_step"),
                    Effective<bool>("warmup_init"));
            return new RefConfig
            {
                Lr = Adafactor is null ? Effective<double>("lr") : 0.0,
                Maximize = Maximize && Effective<bool>("maximize"),
                WeightDecay = WeightDecay is { } wd ? new RefWeightDecay(Effective<double>("weight_decay"), wd.Mode, wd.Order) : null,
                Momentum = Momentum is { } m
                    ? new RefMomentum(
                        Effective<double>("momentum"),
                        m.Input == MomentInput.Gradient ? Effective<double>("dampening") : 0.0,
                        m.Input == MomentInput.Gradient && Effective<bool>("nesterov"),
                        m.Input)
                    : null,
                FirstMoment = FirstMoment is { } fm ? new RefFirstMoment(Effective<double>(fm.Name), fm.Input) : null,
                SecondMoment = SecondMoment is { } sm ? new RefSecondMoment(Effective<double>(sm.Name), sm.Centered && Effective<bool>("centered")) : null,
                Accumulator = Accumulator is null ? null : Effective<double>("initial_accumulator_value"),
                Sm3Beta = Sm3 is null ? null : Effective<double>("beta"),
                AmsGrad = AmsGrad && Effective<bool>("amsgrad"),
                BiasCorrection = BiasCorrection,
                Epsilon = Epsilon is { } eps ? new RefEpsilon(Effective<double>("eps"), eps.Placement) : null,
                LrDecay = LrDecay is null ? null : Effective<double>("lr_decay"),
                Critical = Critical is { } c
                    ? new RefCritical(
                        Effective<int>("topC"),
                        Effective<double>("decay"),
                        Effective<double>("kappa"),
                        c.KappaUse,
                        c.Source,
                        Effective<bool>("synced"),
                        c.Structure,
                        c.AggregationArgument ? Effective<AggregationRule>("aggr") : c.Aggregation,
                        c.FirstStep,
                        c.FeedsSecondMoment,
                        c.SeedWithGradient,
                        c.RandomReplacement ? Effective<double>("critical_test") : 0.0,
                        Effective<int>("max_age"))
                    : null,
                Adafactor = ada,
            };
        }

        // ------------------------------------------------------------------ validity (docs/DSL.md + the validator's rules)

        /// <summary>Null when the declaration and its arguments are valid (no diagnostic, no ArgumentException); else why not.</summary>
        public string? Invalidity()
        {
            bool gradientBuffer = Critical is { Source: CriticalSource.Gradient };
            if (Momentum is not null && FirstMoment is not null) return "Momentum + FirstMoment";
            if ((SecondMoment is not null ? 1 : 0) + (Accumulator is not null ? 1 : 0) + (Sm3 is not null ? 1 : 0) > 1) return "two second moments";
            if (AmsGrad && SecondMoment is null) return "AmsGrad without SecondMoment";
            if (BiasCorrection && FirstMoment is null && SecondMoment is null) return "BiasCorrection without moments";
            if (Epsilon is not null && !HasDenominator) return "Epsilon without denominator";
            if (WeightDecay is { Order: WeightDecayOrder.AfterCriticalBuffer } wd && (wd.Mode != WeightDecayMode.L2 || !gradientBuffer)) return "Order ignored";
            if (Momentum is { Input: MomentInput.Preconditioned } pm && (pm.Nesterov || pm.Dampening != 0)) return "preconditioned momentum options ignored";
            if (Momentum is { Input: MomentInput.Gradient, Nesterov: true } nm && (nm.Default <= 0 || nm.Dampening != 0)) return "Nesterov attribute";
            if (Momentum is { Input: MomentInput.Gradient } && Effective<bool>("nesterov") && (Effective<double>("momentum") <= 0 || Effective<double>("dampening") != 0)) return "nesterov argument";
            if (Adafactor is { } ada)
            {
                if (SecondMoment is not null || Accumulator is not null || Sm3 is not null || Momentum is not null || FirstMoment is not null
                    || AmsGrad || BiasCorrection || Epsilon is not null || LrDecay is not null || WeightDecay is not null) return "Adafactor conflicts";
                if (ada.WarmupInit && !ada.RelativeStep) return "WarmupInit attribute";
                bool relative = Effective<bool>("relative_step");
                if (Effective<bool>("warmup_init") && !relative) return "warmup_init argument";
                if (relative == Args.ContainsKey("lr")) return "lr must be given exactly without relative_step";
            }

            if (Critical is { } c)
            {
                if (c.Source == CriticalSource.Momentum && FirstMoment is not { Input: MomentInput.Gradient }) return "Source = Momentum";
                if (c.FeedsSecondMoment && (c.Source != CriticalSource.Momentum || (SecondMoment is null && Sm3 is null))) return "FeedsSecondMoment";
                if (c.SeedWithGradient && c.Source != CriticalSource.Momentum) return "SeedWithGradient";
                if (c.RandomReplacement && c.Structure != CriticalBufferStructure.Slots) return "RandomReplacement";
                if (c.KappaUse == KappaUse.Switch && (c.Kappa <= 0 || Effective<double>("kappa") <= 0)) return "Switch kappa";
                if (c.Kappa < 0 || Effective<double>("kappa") < 0) return "kappa";
                if (c.TopC < 1 || Effective<int>("topC") < 1) return "topC";
            }

            string[] names = Arguments().Select(a => a.Name).ToArray();
            if (names.Distinct().Count() != names.Length) return "argument names collide";
            if (Args.Keys.Any(k => !names.Contains(k))) return "argument for an absent block";
            return null;
        }

        /// <summary>Drops arguments of absent blocks (after a shrink step removed one).</summary>
        public Declaration Normalized()
        {
            var names = new HashSet<string>(Arguments().Select(a => a.Name));
            ImmutableSortedDictionary<string, object?> args = Args;
            foreach (string k in Args.Keys.Where(k => !names.Contains(k)))
            {
                args = args.Remove(k);
            }

            return this with { Args = args };
        }

        // ------------------------------------------------------------------ C# source

        /// <summary>The declaration's C# source: <c>namespace {ns} { [Optimizer(...)] ... public sealed partial class {className} {} }</c>.</summary>
        public string ToSource(string ns = "Variants", string className = "V")
        {
            var attributes = new List<string>();
            attributes.Add("Optimizer" + Options(Adafactor is null ? Opt("Lr", Lr, 1e-3) : null));
            if (Maximize) attributes.Add("Maximize" + Options(Opt("Default", MaximizeDefault, false)));
            if (WeightDecay is { } wd)
            {
                attributes.Add("WeightDecay" + Options(Opt("Default", wd.Default, 0.0), Opt("Mode", wd.Mode, WeightDecayMode.L2), Opt("Order", wd.Order, WeightDecayOrder.BeforeCriticalBuffer)));
            }

            if (Momentum is { } m)
            {
                attributes.Add("Momentum" + Options(Opt("Default", m.Default, 0.0), Opt("Dampening", m.Dampening, 0.0), Opt("Nesterov", m.Nesterov, false), Opt("Input", m.Input, MomentInput.Gradient)));
            }

            if (FirstMoment is { } fm)
            {
                attributes.Add("FirstMoment" + Options(Opt("Beta", fm.Beta, 0.9), Opt("Name", fm.Name, "beta1"), Opt("Input", fm.Input, MomentInput.Gradient)));
            }

            if (SecondMoment is { } sm)
            {
                attributes.Add("SecondMoment" + Options(Opt("Beta", sm.Beta, 0.999), Opt("Name", sm.Name, "beta2"), Opt("Centered", sm.Centered, false), Opt("CenteredDefault", sm.CenteredDefault, false)));
            }

            if (Accumulator is { } acc) attributes.Add("Accumulator" + Options(Opt("InitialValue", acc.InitialValue, 0.0)));
            if (Sm3 is { } sm3) attributes.Add("SM3" + Options(Opt("Beta", sm3.Beta, 0.0)));
            if (Adafactor is { } ada)
            {
                attributes.Add("Adafactor" + Options(
                    Opt("Eps1", ada.Eps1, 1e-30), Opt("Eps2", ada.Eps2, 1e-3), Opt("ClipThreshold", ada.ClipThreshold, 1.0), Opt("DecayRate", ada.DecayRate, -0.8),
                    Opt("ScaleParameter", ada.ScaleParameter, true), Opt("RelativeStep", ada.RelativeStep, true), Opt("WarmupInit", ada.WarmupInit, false)));
            }

            if (AmsGrad) attributes.Add("AmsGrad" + Options(Opt("Default", AmsGradDefault, false)));
            if (BiasCorrection) attributes.Add("BiasCorrection");
            if (Epsilon is { } eps)
            {
                string positional = eps.Default == 1e-8 ? null! : Literal(eps.Default);
                string? placement = Opt("Placement", eps.Placement, EpsilonPlacement.OutsideSqrt);
                string inner = string.Join(", ", new[] { positional, placement }.Where(s => s is not null));
                attributes.Add("Epsilon" + (inner.Length == 0 ? "" : "(" + inner + ")"));
            }

            if (LrDecay is { } lrd) attributes.Add("LrDecay" + Options(Opt("Default", lrd.Default, 0.0)));
            if (SkipNonFinite is { } skip) attributes.Add("SkipNonFinite" + Options(Opt("Default", skip.Default, true)));
            if (Critical is { } c)
            {
                attributes.Add("CriticalBuffer" + Options(
                    Opt("TopC", c.TopC, 10), Opt("Decay", c.Decay, 0.7), Opt("Kappa", c.Kappa, 1.0), Opt("KappaUse", c.KappaUse, KappaUse.Weight),
                    Opt("Source", c.Source, CriticalSource.Gradient), Opt("Synced", c.Synced, true), Opt("Structure", c.Structure, CriticalBufferStructure.Slots),
                    Opt("Aggregation", c.Aggregation, AggregationRule.Sum), Opt("AggregationArgument", c.AggregationArgument, false),
                    Opt("FirstStep", c.FirstStep, CriticalFirstStep.Unaggregated), Opt("FeedsSecondMoment", c.FeedsSecondMoment, false),
                    Opt("SeedWithGradient", c.SeedWithGradient, false), Opt("RandomReplacement", c.RandomReplacement, false),
                    Opt("BufferDtypeArgument", c.BufferDtypeArgument, true), Opt("MaxAge", c.MaxAge, 0), Opt("Sum", c.Sum, CriticalSum.Running)));
            }

            if (AttributeOrder != 0)
            {
                var rng = new Random(AttributeOrder);
                attributes = attributes.OrderBy(_ => rng.Next()).ToList();
            }

            var sb = new StringBuilder();
            sb.Append("namespace ").Append(ns).Append('\n').Append("{\n    using OptimDsl;\n\n");
            foreach (string a in attributes)
            {
                sb.Append("    [").Append(a).Append("]\n");
            }

            sb.Append("    public sealed partial class ").Append(className).Append("\n    {\n    }\n}\n");
            return sb.ToString();
        }

        /// <summary>The constructor call the test makes, e.g. <c>new V(parameters, lr: 0.1, topC: 3)</c>.</summary>
        public string CallText() =>
            "new V(parameters" + string.Concat(Args.Select(a => ", " + a.Key + ": " + Literal(a.Value))) + ")";

        public override string ToString() => "\n" + ToSource() + CallText() + "\n";

        private static string Options(params string?[] options)
        {
            string[] set = options.Where(o => o is not null).Select(o => o!).ToArray();
            return set.Length == 0 ? "" : "(" + string.Join(", ", set) + ")";
        }

        private static string? Opt<T>(string name, T value, T defaultValue) =>
            EqualityComparer<T>.Default.Equals(value, defaultValue) ? null : name + " = " + Literal(value);

        public static string Literal(object? value) => value switch
        {
            null => "null",
            double d => LiteralDouble(d),
            bool b => b ? "true" : "false",
            int i => i.ToString(CultureInfo.InvariantCulture),
            ulong u => u.ToString(CultureInfo.InvariantCulture) + "UL",
            string s => "\"" + s + "\"",
            Enum e => e.GetType().Name + "." + e,
            _ => throw new ArgumentException("no literal for " + value.GetType()),
        };

        private static string LiteralDouble(double d)
        {
            string text = d.ToString("R", CultureInfo.InvariantCulture);
            return text.Contains('.') || text.Contains('E') ? text : text + ".0";
        }
    }
}
