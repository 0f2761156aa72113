using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// The critical buffer's element-wise arithmetic in the fused kernels: the aggregation rules of
    /// <see cref="CriticalBuffer.Aggregate"/>, in the same operation order, and the list-order sum of a heap buffer that
    /// recomputes its sum. See <see cref="CriticalKernelOperands"/> for the protocol.
    /// </summary>
    public static class FusedCritical
    {
        /// <summary>
        /// <paramref name="x"/> aggregated with the stored entries, whose sum is <paramref name="sum"/> and number n (at least
        /// 1): Sum <c>x + κ·(sum/n)</c>, Mid <c>(x + κ·(sum/n))·0.5</c>, Mean <c>(x + κ·sum)/(n + 1)</c>, BufferMeanOnly
        /// <c>sum/n</c>; κ multiplies only when <paramref name="weighted"/>. The divisions are multiplications by the reciprocals
        /// (rounded once, per work item): a division per element would cost as much as the rest of the aggregate.
        /// </summary>
        /// <typeparam name="T">float or double.</typeparam>
        /// <param name="x">The current quantity.</param>
        /// <param name="sum">The sum of the stored entries.</param>
        /// <param name="inverseCount">1/n, in every lane.</param>
        /// <param name="inverseCountPlusOne">1/(n + 1), in every lane.</param>
        /// <param name="kappa">The buffer weight, in every lane.</param>
        /// <param name="weighted">False when κ is exactly 1 (no multiplication).</param>
        /// <param name="rule">The aggregation rule, checked on the host (<see cref="CheckedRule"/>): any other value is BufferMeanOnly.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<T> Aggregate<T>(Vector<T> x, Vector<T> sum, Vector<T> inverseCount, Vector<T> inverseCountPlusOne, Vector<T> kappa, bool weighted, AggregationRule rule)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            // No call on any path (not even a cold throw): a call in a kernel's loop makes the JIT keep the loop's vectors in
            // the stack frame, since no vector register survives a call.
            switch (rule)
            {
                case AggregationRule.Sum:
                    return x + (weighted ? sum * inverseCount * kappa : sum * inverseCount);
                case AggregationRule.Mid:
                    return (x + (weighted ? sum * inverseCount * kappa : sum * inverseCount)) * new Vector<T>(T.CreateTruncating(0.5));
                case AggregationRule.Mean:
                    return (x + (weighted ? sum * kappa : sum)) * inverseCountPlusOne;
                default:
                    return sum * inverseCount;
            }
        }

        /// <summary><paramref name="rule"/>, once checked to be one of the aggregation rules (the kernels' loops do not check it).</summary>
        /// <param name="rule">The rule of a parameter group.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="rule"/> is not an <see cref="AggregationRule"/>.</exception>
        public static AggregationRule CheckedRule(AggregationRule rule)
        {
            Arguments.CheckAggregationRule(rule, nameof(rule));
            return rule;
        }

        /// <summary>
        /// The sum, in list order, of <paramref name="count"/> stored entries at element <paramref name="element"/>:
        /// <c>entries[0] + entries[1] + …</c> (the reference's <c>gradSum()</c>), for <paramref name="lanes"/> lanes (the rest zero).
        /// </summary>
        /// <typeparam name="T">float or double.</typeparam>
        /// <param name="entries">The entries' addresses in list order.</param>
        /// <param name="count">How many (at least 1).</param>
        /// <param name="element">The element offset within an entry.</param>
        /// <param name="lanes">Valid lanes (a whole vector, or fewer at a tail).</param>
        /// <param name="scratch">One vector of elements, for a tail.</param>
        public static Vector<T> EntrySum<T>(nint[] entries, int count, long element, int lanes, Span<T> scratch)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            Vector<T> sum = Load(entries[0], element, lanes, scratch);
            for (int i = 1; i < count; i++)
            {
                sum += Load(entries[i], element, lanes, scratch);
            }

            return sum;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector<T> Load<T>(nint entry, long element, int lanes, Span<T> scratch)
            where T : unmanaged
        {
            Span<T> memory = FusedMemory.Span<T>(entry, element, lanes);
            return lanes == Vector<T>.Count ? FusedVector.Load(memory, 0) : FusedVector.LoadTail(memory, 0, scratch);
        }
    }
}
