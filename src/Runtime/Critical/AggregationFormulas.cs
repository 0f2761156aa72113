using System;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// The aggregation rules of <see cref="CriticalBuffer.Aggregate"/> as tensor expressions over the sum of the stored entries,
    /// in the references' operation order. A weight of exactly 1 skips its multiplication (<c>t * 1 == t</c> bit for bit), so the
    /// switch form of kappa costs no pass.
    /// </summary>
    internal static class AggregationFormulas
    {
        /// <summary>Aggregates <paramref name="x"/> with the sum of the stored entries. Returns a new tensor (or <paramref name="sum"/> itself,
        /// divided in place, when it is scratch).</summary>
        /// <param name="x">The current quantity.</param>
        /// <param name="sum">The sum of the <paramref name="count"/> stored entries (any floating dtype; cast to x's).</param>
        /// <param name="count">Number of stored entries (at least 1).</param>
        /// <param name="rule">The aggregation rule.</param>
        /// <param name="kappa">Weight of the buffer term.</param>
        /// <param name="sumIsScratch">True when <paramref name="sum"/> was computed for this call and may be overwritten; false
        /// when the caller keeps it (a running sum), which is then never modified.</param>
        public static Tensor Apply(Tensor x, Tensor sum, long count, AggregationRule rule, double kappa, bool sumIsScratch)
        {
            var s = sum.dtype == x.dtype ? sum : sum.to(x.dtype);
            bool scratch = sumIsScratch || !ReferenceEquals(s, sum); // a cast is a fresh tensor
            // Scalars are native objects: each is held for as long as an operation reads it (see ScalarLifetimeTests).
            using Scalar weight = kappa;
            using Scalar entries = (double)count;
            switch (rule)
            {
                case AggregationRule.Sum:
                    return x.add(Weighted(Mean()), alpha: Scalars.One);
                case AggregationRule.Mid:
                    using (Scalar half = 0.5)
                    {
                        return x.add(Weighted(Mean()), alpha: Scalars.One).mul_(half);
                    }

                case AggregationRule.Mean:
                    using (Scalar entriesPlusOne = count + 1)
                    {
                        return x.add(kappa == 1.0 ? s : scratch ? s.mul_(weight) : s.mul(weight), alpha: Scalars.One).div_(entriesPlusOne);
                    }

                case AggregationRule.BufferMeanOnly:
                    return Mean();
                default:
                    throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown aggregation rule.");
            }

            Tensor Mean() => scratch ? s.div_(entries) : s.div(entries);

            // In place on a tensor the formula owns.
            Tensor Weighted(Tensor owned) => kappa == 1.0 ? owned : owned.mul_(weight);
        }
    }
}
