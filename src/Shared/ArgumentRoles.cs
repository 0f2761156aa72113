// One table of argument roles and their allowed intervals, compiled into both the generator (compile-time checks of
// declared defaults, the literals of the generated run-time checks) and the runtime (the run-time check and its message),
// so the three cannot drift apart. Linked by src/Generator/OptimDsl.Generator.csproj and src/Runtime/OptimDsl.Runtime.csproj.
using System;
using System.Globalization;

namespace OptimDsl.Shared
{
    /// <summary>What a generated argument is; the role decides its allowed values and how the emitters treat it.</summary>
    internal enum ArgumentRole
    {
        /// <summary>The learning rate (<c>lr</c>, kept in TorchSharp's <c>LearningRate</c>): [0, ∞).</summary>
        LearningRate,

        /// <summary>A non-negative magnitude: epsilons, weight decays, the learning-rate decay, initial values, a buffer weight: [0, ∞).</summary>
        Magnitude,

        /// <summary>A positive threshold or gate (<c>clip_threshold</c>, <c>kappa</c> as a switch): (0, ∞).</summary>
        Threshold,

        /// <summary>The exponent c of a coefficient <c>1 - t^c</c> (<c>decay_rate</c>): (-∞, 0].</summary>
        DecayExponent,

        /// <summary>A moving-average or momentum coefficient: [0, 1).</summary>
        Coefficient,

        /// <summary>A fraction or probability (<c>dampening</c>, <c>critical_test</c>): [0, 1].</summary>
        Fraction,

        /// <summary>A multiplicative decay applied every step (the priorities' <c>decay</c>): (0, 1].</summary>
        DecayFactor,

        /// <summary>A capacity (<c>topC</c>), an integer: [1, ∞).</summary>
        Capacity,

        /// <summary>A count of steps (<c>max_age</c>, 0 = unlimited), an integer: [0, ∞).</summary>
        Count,

        /// <summary>A boolean switch.</summary>
        Switch,

        /// <summary>One of an enum's values (<c>aggr</c>).</summary>
        Choice,

        /// <summary>A random seed (<c>seed</c>).</summary>
        Seed,

        /// <summary>A storage dtype, null or floating (<c>buffer_dtype</c>).</summary>
        Dtype,
    }

    /// <summary>An interval of allowed values; a missing bound is infinite. NaN is never inside.</summary>
    internal readonly struct Interval : IEquatable<Interval>
    {
        public Interval(double? min, bool minInclusive, double? max, bool maxInclusive)
        {
            Min = min;
            MinInclusive = minInclusive;
            Max = max;
            MaxInclusive = maxInclusive;
        }

        public double? Min { get; }

        public bool MinInclusive { get; }

        public double? Max { get; }

        public bool MaxInclusive { get; }

        public bool Contains(double value) =>
            !double.IsNaN(value)
            && (Min is not { } min || (MinInclusive ? value >= min : value > min))
            && (Max is not { } max || (MaxInclusive ? value <= max : value < max));

        /// <summary>Interval notation with invariant round-trip numbers: <c>[0, 1)</c>, <c>(0, ∞)</c>, <c>(-∞, 0]</c>.</summary>
        public string Describe()
        {
            string lo = Min is { } min ? (MinInclusive ? "[" : "(") + Format(min) : "(-∞";
            string hi = Max is { } max ? Format(max) + (MaxInclusive ? "]" : ")") : "∞)";
            return lo + ", " + hi;
        }

        public bool Equals(Interval other) =>
            Nullable.Equals(Min, other.Min) && MinInclusive == other.MinInclusive && Nullable.Equals(Max, other.Max) && MaxInclusive == other.MaxInclusive;

        public override bool Equals(object? obj) => obj is Interval other && Equals(other);

        public override int GetHashCode() =>
            ((Min.GetHashCode() * 31 + MinInclusive.GetHashCode()) * 31 + Max.GetHashCode()) * 31 + MaxInclusive.GetHashCode();

        public override string ToString() => Describe();

        private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>The role table: each role's allowed interval (null: no range check, e.g. switches, choices, seeds, dtypes).</summary>
    internal static class ArgumentRoles
    {
        public static Interval? RangeOf(ArgumentRole role) => role switch
        {
            ArgumentRole.LearningRate => new Interval(0, true, null, false),
            ArgumentRole.Magnitude => new Interval(0, true, null, false),
            ArgumentRole.Threshold => new Interval(0, false, null, false),
            ArgumentRole.DecayExponent => new Interval(null, true, 0, true),
            ArgumentRole.Coefficient => new Interval(0, true, 1, false),
            ArgumentRole.Fraction => new Interval(0, true, 1, true),
            ArgumentRole.DecayFactor => new Interval(0, false, 1, true),
            ArgumentRole.Capacity => new Interval(1, true, null, false),
            ArgumentRole.Count => new Interval(0, true, null, false),
            _ => null,
        };
    }
}
