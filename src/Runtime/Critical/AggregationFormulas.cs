using System;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime;

/// <summary>
/// The aggregation rules of <see cref="CriticalBuffer.Aggregate"/> as tensor expressions over the sum of the stored entries,
/// in the references' operation order. A weight of exactly 1 skips its multiplication (<c>t * 1 == t</c> bit for bit), so the
/// switch form of kappa costs no pass.
/// </summary>
internal static class AggregationFormulas
{
    /// <summary>Aggregates <paramref name="x"/> with a sum the caller keeps (it is not modified). Returns a new tensor.</summary>
    /// <param name="x">The current quantity.</param>
    /// <param name="sum">The sum of the <paramref name="count"/> stored entries (any floating dtype; cast to x's).</param>
    /// <param name="count">Number of stored entries (at least 1).</param>
    /// <param name="rule">The aggregation rule.</param>
    /// <param name="kappa">Weight of the buffer term.</param>
    public static Tensor FromSum(Tensor x, Tensor sum, long count, AggregationRule rule, double kappa)
    {
        var s = sum.dtype == x.dtype ? sum : sum.to(x.dtype);
        switch (rule)
        {
            case AggregationRule.Sum:
                return x.add(Weighted(s.div((double)count), kappa));
            case AggregationRule.Mid:
                return x.add(Weighted(s.div((double)count), kappa)).mul_(0.5);
            case AggregationRule.Mean:
                return x.add(kappa == 1.0 ? s : s.mul(kappa)).div_(count + 1);
            case AggregationRule.BufferMeanOnly:
                return s.div((double)count);
            default:
                throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown aggregation rule.");
        }
    }

    /// <summary>As <see cref="FromSum"/>, for a freshly computed sum in x's dtype that may be overwritten.</summary>
    public static Tensor FromOwnedSum(Tensor x, Tensor sum, long count, AggregationRule rule, double kappa)
    {
        switch (rule)
        {
            case AggregationRule.Sum:
                return x.add(Weighted(sum.div_((double)count), kappa));
            case AggregationRule.Mid:
                return x.add(Weighted(sum.div_((double)count), kappa)).mul_(0.5);
            case AggregationRule.Mean:
                return x.add(Weighted(sum, kappa)).div_(count + 1);
            case AggregationRule.BufferMeanOnly:
                return sum.div_((double)count);
            default:
                throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown aggregation rule.");
        }
    }

    // In place on a tensor the formula owns.
    private static Tensor Weighted(Tensor owned, double kappa) => kappa == 1.0 ? owned : owned.mul_(kappa);
}
