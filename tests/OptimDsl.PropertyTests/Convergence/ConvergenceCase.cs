using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;

namespace OptimDsl.PropertyTests.Convergence
{
    /// <summary>
    /// One case of the convergence property: a strongly convex quadratic F(θ) = ½(θ − θ*)ᵀA(θ − θ*) and the buffer's
    /// hyper-parameters. D = <see cref="MaxAge"/> is the staleness bound; D = 0 stands for the buffer switched off (κ = 0:
    /// plain gradient descent), since <c>max_age = 0</c> means "unlimited" in the DSL.
    /// </summary>
    public sealed record ConvergenceCase(
        int Dimension,
        double Mu,
        double Condition,
        int MaxAge,
        double Kappa,
        int TopC,
        double Decay,
        AggregationRule Rule,
        CriticalBufferStructure Structure,
        int Seed)
    {
        public double L => Mu * Condition;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"d = {Dimension}, μ = {Mu:R}, L/μ = {Condition:R}, D = max_age = {MaxAge}, κ = {Kappa:R}, topC = {TopC}, decay = {Decay:R}, aggr = {Rule}, {Structure}, seed {Seed}");

        /// <summary>The aggregation's factors c_t over the fills the buffer can have (1: first step, empty buffer, κ = 0).</summary>
        public (double Min, double Max) Factors()
        {
            var c = new List<double> { 1.0 };
            if (MaxAge > 0 && Kappa != 0)
            {
                int maxFill = Math.Min(TopC, MaxAge); // at most one entry per step, none older than D steps
                for (int n = 1; n <= maxFill; n++)
                {
                    c.Add(Rule switch
                    {
                        AggregationRule.Sum => 1 + Kappa,
                        AggregationRule.Mid => (1 + Kappa) / 2,
                        AggregationRule.Mean => (1 + Kappa * n) / (n + 1),
                        AggregationRule.BufferMeanOnly => 1.0,
                        _ => throw new ArgumentOutOfRangeException(),
                    });
                }
            }

            return (c.Min(), c.Max());
        }

        public static Arbitrary<ConvergenceCase> Arbitrary()
        {
            Gen<double> unit = Gen.Choose(1, 1000).Select(i => i / 1000.0);
            Gen<ConvergenceCase> gen =
                from dimension in Gen.Choose(2, 50)
                from mu in unit
                from condition in Gen.Frequency((1, Gen.Constant(1.0)), (5, Gen.Choose(100, 10000).Select(i => i / 100.0)))
                from maxAge in Gen.Frequency((1, Gen.Constant(0)), (6, Gen.Choose(1, 6)))
                from kappa in Gen.Frequency((1, Gen.Constant(1.0)), (1, Gen.Elements(0.25, 0.5, 2.0)), (2, Gen.Choose(1, 300).Select(i => i / 100.0)))
                from topC in Gen.Choose(1, 8)
                from decay in Gen.Elements(0.3, 0.7, 0.9, 0.99, 1.0)
                from rule in Gen.Elements(AggregationRule.Sum, AggregationRule.Mid, AggregationRule.Mean, AggregationRule.BufferMeanOnly)
                from heap in Gen.Elements(false, true)
                from seed in Gen.Choose(0, int.MaxValue)
                select new ConvergenceCase(dimension, mu, condition, maxAge, maxAge == 0 ? 0.0 : kappa, topC, decay, rule,
                    heap ? CriticalBufferStructure.Heap : CriticalBufferStructure.Slots, seed);
            return Arb.From(gen, Shrink);
        }

        /// <summary>Smaller dimension, condition 1, smaller D, simpler κ, capacity and decay; the seed is kept.</summary>
        public static IEnumerable<ConvergenceCase> Shrink(ConvergenceCase c)
        {
            if (c.Dimension > 2) yield return c with { Dimension = Math.Max(2, c.Dimension / 2) };
            if (c.Dimension > 2) yield return c with { Dimension = c.Dimension - 1 };
            if (c.Condition != 1) yield return c with { Condition = 1 };
            if (c.Condition > 2) yield return c with { Condition = Math.Round(c.Condition / 2, 2) };
            if (c.MaxAge > 1) yield return c with { MaxAge = c.MaxAge - 1 };
            if (c.Kappa != 1 && c.MaxAge > 0) yield return c with { Kappa = 1 };
            if (c.Mu != 1) yield return c with { Mu = 1 };
            if (c.TopC > 1) yield return c with { TopC = 1 };
            if (c.TopC > 2) yield return c with { TopC = c.TopC / 2 };
            if (c.Decay != 0.7) yield return c with { Decay = 0.7 };
            if (c.Rule != AggregationRule.Sum) yield return c with { Rule = AggregationRule.Sum };
            if (c.Structure != CriticalBufferStructure.Slots) yield return c with { Structure = CriticalBufferStructure.Slots };
        }
    }
}
