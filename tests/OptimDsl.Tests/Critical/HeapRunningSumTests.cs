using System;
using System.Collections.Generic;
using System.Linq;
using OptimDsl.Runtime;
using TorchSharp;
using Xunit;
using static OptimDsl.Tests.Critical.CriticalTestUtil;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Critical
{
    /// <summary>
    /// The heap buffer's running sum (<see cref="CriticalSum.Running"/>, the default) against the reference's recomputation
    /// (<see cref="CriticalSum.Recompute"/>): same admissions, same aggregates up to rounding, exact after each resync, no NaN left
    /// behind by an infinite entry, checkpoints interchangeable, and the memory each mode holds.
    /// </summary>
    public class HeapRunningSumTests
    {
        private static CriticalBuffer Heap(Tensor like, int capacity, CriticalSum sum) =>
            new CriticalBuffer(like, capacity, CriticalBufferStructure.Heap, sum: sum);

        // One step as the generated code does it: drop by age, aggregate-and-offer (or seed), decay.
        private static Tensor Step(CriticalBuffer buf, Tensor x, double priority, AggregationRule rule, double kappa, int maxAge)
        {
            buf.DropOlderThan(maxAge);
            Tensor result;
            if (buf.HasEverReceived)
            {
                result = buf.AggregateAndOffer(x, rule, kappa, priority);
            }
            else
            {
                buf.Offer(x, priority);
                result = x.clone();
            }

            buf.DecayPriorities(0.8);
            return result;
        }

        public static TheoryData<AggregationRule, double, int> Cases() => new TheoryData<AggregationRule, double, int>
        {
            { AggregationRule.Mean, 1.0, 0 },   // the fused path (Adam_C's defaults)
            { AggregationRule.Mean, 1.0, 3 },   // fused, with drops by age
            { AggregationRule.Mean, 0.5, 0 },
            { AggregationRule.Sum, 1.0, 2 },
            { AggregationRule.Mid, 2.0, 0 },
            { AggregationRule.BufferMeanOnly, 1.0, 0 },
        };

        [Theory]
        [MemberData(nameof(Cases))]
        public void RunningSum_MatchesRecomputation_StepByStep(AggregationRule rule, double kappa, int maxAge)
        {
            var r = new Random(7);
            var like = zeros(new long[] { 3, 5 }, dtype: ScalarType.Float64);
            using var running = Heap(like, 4, CriticalSum.Running);
            using var recompute = Heap(like, 4, CriticalSum.Recompute);
            int admittedSteps = 0;
            for (int step = 0; step < 400; step++)
            {
                using var scope = NewDisposeScope();
                using Scalar magnitude = Math.Exp(3 * r.NextDouble() - 1.5);
                var x = randn(new long[] { 3, 5 }, dtype: ScalarType.Float64).mul(magnitude);
                // Mostly growing priorities (admitted), some small ones (rejected), a few negative or NaN (never stored).
                double p = r.NextDouble() switch
                {
                    < 0.05 => -1.0,
                    < 0.08 => double.NaN,
                    < 0.30 => 0.01 * r.NextDouble(),
                    _ => 1 + 10 * r.NextDouble(),
                };
                var valuesBefore = running.Values.clone();
                var a = Step(running, x, p, rule, kappa, maxAge);
                var b = Step(recompute, x, p, rule, kappa, maxAge);
                AssertClose(Host(b), a, 1e-12, "step " + step);
                Assert.Equal(recompute.StoredPriorities(), running.StoredPriorities());
                Assert.Equal(recompute.StoredSlots(), running.StoredSlots());
                AssertBitEqual(recompute.Values, running.Values, "stored values, step " + step);
                if (!valuesBefore.equal(running.Values).all().item<bool>())
                {
                    admittedSteps++;
                }
            }

            Assert.True(admittedSteps > 100, "the sequence exercises admissions and evictions");
        }

        [Fact]
        public void RunningSum_IsRecomputedExactly_EveryResyncInterval()
        {
            // float32 makes the incremental sum differ from the list-order sum in the last bits; right after a resync they agree bit for bit.
            const int capacity = 4;
            var like = zeros(1000, dtype: ScalarType.Float32);
            using var running = Heap(like, capacity, CriticalSum.Running);
            using var recompute = Heap(like, capacity, CriticalSum.Recompute);
            var gen = new torch.Generator(11);
            int changes = 0;
            bool sawDifference = false;
            bool checkedAfterResync = false;
            for (int step = 1; step <= 3 * CriticalBuffer.RunningSumResyncEvery; step++)
            {
                using var scope = NewDisposeScope();
                using Scalar magnitude = step % 7 + 0.5;
                var x = randn(1000, generator: gen).mul(magnitude);
                double p = step; // always admitted: fills, then one eviction + one insertion per step
                running.Offer(x, p);
                recompute.Offer(x, p);
                changes += step <= capacity ? 1 : 2;
                var probe = zeros(1000, dtype: ScalarType.Float32);
                var fromRunning = running.Aggregate(probe, AggregationRule.BufferMeanOnly, 1.0);
                var fromList = recompute.Aggregate(probe, AggregationRule.BufferMeanOnly, 1.0);
                AssertClose(Host(fromList), fromRunning, 1e-5, "step " + step);
                if (changes % CriticalBuffer.RunningSumResyncEvery == 0)
                {
                    AssertBitEqual(fromList, fromRunning, "right after the resync at step " + step);
                    checkedAfterResync = true;
                }
                else
                {
                    sawDifference |= !fromList.equal(fromRunning).all().item<bool>();
                }
            }

            Assert.True(checkedAfterResync);
            Assert.True(sawDifference, "float32 rounding should make the running sum differ between resyncs (otherwise this test shows nothing)");
        }

        [Fact]
        public void InfiniteEntries_AreRefused_SoTheSumsStayFinite()
        {
            // Before the non-finite policy an offer with priority +inf entered and was never evicted (inf * decay = inf); now
            // it is refused like a NaN priority, and so is an entry with a finite priority but an infinite value.
            var like = zeros(4, dtype: ScalarType.Float32);
            using var running = Heap(like, 3, CriticalSum.Running);
            using var recompute = Heap(like, 3, CriticalSum.Recompute);
            var finite = tensor(new float[] { 1, 2, 3, 4 });
            var infinite = tensor(new float[] { float.PositiveInfinity, 1, 1, 1 });
            foreach (var buf in new[] { running, recompute })
            {
                Step(buf, finite, 1.0, AggregationRule.Mean, 1.0, maxAge: 2);
                Step(buf, infinite, double.PositiveInfinity, AggregationRule.Mean, 1.0, maxAge: 2);
                Step(buf, infinite, 1.5, AggregationRule.Mean, 1.0, maxAge: 2);
                Assert.Equal(1, buf.StoredCount());
            }

            for (int i = 0; i < 4; i++)
            {
                var a = Step(running, finite, 3.0 + i, AggregationRule.Mean, 1.0, maxAge: 2);
                var b = Step(recompute, finite, 3.0 + i, AggregationRule.Mean, 1.0, maxAge: 2);
                AssertBitEqual(b, a, "step " + i);
                Assert.True(a.isfinite().all().item<bool>(), "step " + i + ": the aggregate is not finite");
            }

            Assert.All(running.StoredPriorities(), p => Assert.True(double.IsFinite(p)));
        }

        [Theory]
        [InlineData(CriticalSum.Running, CriticalSum.Recompute)]
        [InlineData(CriticalSum.Recompute, CriticalSum.Running)]
        [InlineData(CriticalSum.Running, CriticalSum.Running)]
        public void Checkpoint_LoadsAcrossSumModes_AndContinues(CriticalSum savedBy, CriticalSum loadedBy)
        {
            var like = zeros(6, dtype: ScalarType.Float64);
            var gen = new torch.Generator(3);
            var xs = Enumerable.Range(0, 40).Select(_ => randn(6, dtype: ScalarType.Float64, generator: gen)).ToArray();
            var ps = Enumerable.Range(0, 40).Select(i => 1.0 + (i * 37 % 11)).ToArray();
            using var source = Heap(like, 3, savedBy);
            using var uninterrupted = Heap(like, 3, loadedBy);
            for (int i = 0; i < 20; i++)
            {
                Step(source, xs[i], ps[i], AggregationRule.Mean, 1.0, 0);
                Step(uninterrupted, xs[i], ps[i], AggregationRule.Mean, 1.0, 0);
            }

            using var loaded = RoundTrip(source, () => Heap(like, 3, loadedBy));
            for (int i = 20; i < 40; i++)
            {
                var expected = Step(uninterrupted, xs[i], ps[i], AggregationRule.Mean, 1.0, 0);
                var actual = Step(loaded, xs[i], ps[i], AggregationRule.Mean, 1.0, 0);
                if (savedBy == loadedBy)
                {
                    AssertBitEqual(expected, actual, "step " + i);
                }
                else
                {
                    AssertClose(Host(expected), actual, 1e-12, "step " + i);
                }
            }
        }

        [Fact]
        public void StateBytes_RunningSumAddsOneParameterSizedTensor()
        {
            var like = zeros(new long[] { 100, 10 }, dtype: ScalarType.Float32);
            using var running = Heap(like, 5, CriticalSum.Running);
            using var recompute = Heap(like, 5, CriticalSum.Recompute);
            using var bf16 = new CriticalBuffer(like, 5, CriticalBufferStructure.Heap, ScalarType.BFloat16, sum: CriticalSum.Running);
            Assert.Equal(5L * 1000 * 4, recompute.StateBytes);             // C x numel x element size, nothing else on the device
            Assert.Equal(5L * 1000 * 4 + 1000 * 4, running.StateBytes);    // + the running sum in the parameter's dtype
            Assert.Equal(5L * 1000 * 2 + 1000 * 4, bf16.StateBytes);
        }
    }
}
