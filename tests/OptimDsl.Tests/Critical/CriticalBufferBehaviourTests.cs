using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using OptimDsl.Runtime;
using TorchSharp;
using Xunit;
using static OptimDsl.Tests.Critical.CriticalTestUtil;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Critical
{
    /// <summary>Aggregation rules, random replacement, max age, storage dtype, state round trips.</summary>
    public class CriticalBufferBehaviourTests
    {
        public static TheoryData<CriticalBufferStructure> Structures() =>
            new TheoryData<CriticalBufferStructure> { CriticalBufferStructure.Heap, CriticalBufferStructure.Slots };

        private static void Offer(CriticalBuffer buf, Tensor x, double priority, double criticalTest = 0.0)
        {
            if (buf.Structure == CriticalBufferStructure.Heap)
            {
                buf.Offer(x, priority);
            }
            else
            {
                buf.Offer(x, tensor(priority, dtype: ScalarType.Float64), criticalTest);
            }
        }

        // ---------------- aggregation ----------------

        [Theory]
        [MemberData(nameof(Structures))]
        public void Aggregate_AllRules(CriticalBufferStructure structure)
        {
            using var buf = new CriticalBuffer(T(0, 0), 3, structure);
            Offer(buf, T(1, 2), 5.0);
            Offer(buf, T(3, -6), 4.0);
            var x = T(10, 20);
            var before = x.clone();
            const double kappa = 0.5;
            // mean(B) = [2, -2], sum(B) = [4, -4]
            AssertClose(new[] { 10 + kappa * 2, 20 - kappa * 2 }, buf.Aggregate(x, AggregationRule.Sum, kappa), 1e-15, "Sum");
            AssertClose(new[] { 0.5 * (10 + kappa * 2), 0.5 * (20 - kappa * 2) }, buf.Aggregate(x, AggregationRule.Mid, kappa), 1e-15, "Mid");
            AssertClose(new[] { (10 + kappa * 4) / 3, (20 - kappa * 4) / 3 }, buf.Aggregate(x, AggregationRule.Mean, kappa), 1e-15, "Mean");
            AssertClose(new[] { 2.0, -2.0 }, buf.Aggregate(x, AggregationRule.BufferMeanOnly, kappa), 1e-15, "BufferMeanOnly");
            AssertBitEqual(before, x, "x is never modified");

            // The result is a new tensor: modifying it does not touch the buffer or x.
            var r = buf.Aggregate(x, AggregationRule.BufferMeanOnly, 1.0);
            using Scalar hundred = 100;
            r.add_(hundred, Scalars.One);
            AssertClose(new[] { 2.0, -2.0 }, buf.Aggregate(x, AggregationRule.BufferMeanOnly, 1.0), 1e-15, "buffer untouched");
            AssertBitEqual(before, x, "x untouched");
        }

        [Theory]
        [MemberData(nameof(Structures))]
        public void Aggregate_EmptyBuffer_ReturnsCopyOfX(CriticalBufferStructure structure)
        {
            using var buf = new CriticalBuffer(T(0, 0), 2, structure);
            Assert.False(buf.HasEverReceived);
            var x = T(1.5, -2.5);
            foreach (AggregationRule rule in Enum.GetValues(typeof(AggregationRule)))
            {
                var r = buf.Aggregate(x, rule, 0.3);
                Assert.NotSame(x, r);
                AssertBitEqual(x, r, rule.ToString());
                r.add_(Scalars.One, Scalars.One);
                AssertClose(new[] { 1.5, -2.5 }, x, 0, "x untouched");
            }
        }

        [Fact]
        public void Slots_RejectedOffer_LeavesEverythingBitIdentical()
        {
            using var buf = new CriticalBuffer(T(0, 0, 0), 2, CriticalBufferStructure.Slots);
            Offer(buf, T(0.1, -0.0, 1e-300), 3.0);
            Offer(buf, T(1.0 / 3, 2.0 / 7, -1e308), 2.0);
            var x = T(0.7, 0.0, 1);
            var agg = buf.Aggregate(x, AggregationRule.Sum, 1.0);
            var values = buf.Values.clone();
            var keys = buf.StoredPriorities();
            Offer(buf, T(9, 9, 9), 1.0); // 1 > min(3, 2) is false
            AssertBitEqual(agg, buf.Aggregate(x, AggregationRule.Sum, 1.0), "running sum");
            AssertBitEqual(values, buf.Values, "values");
            AssertBitEqual(keys, buf.StoredPriorities(), "keys");
            Offer(buf, T(9, 9, 9), double.NaN); // NaN > min is false
            AssertBitEqual(agg, buf.Aggregate(x, AggregationRule.Sum, 1.0), "running sum after NaN");
        }

        [Fact]
        public void Slots_RunningSumIsIncremental()
        {
            // sum -= old; sum += new, never re-summed (the reference's floating-point drift is reproduced).
            using var buf = new CriticalBuffer(T(0), 2, CriticalBufferStructure.Slots);
            Offer(buf, T(1e16), 1.0);
            Offer(buf, T(1.0), 2.0);
            Offer(buf, T(3.0), 3.0); // evicts 1e16: sum = (1e16 + 1) - 1e16 + 3 = 3 (1 was lost in rounding), re-summing would give 4
            using Scalar two = 2;
            AssertClose(new[] { 3.0 }, buf.Aggregate(T(0), AggregationRule.BufferMeanOnly, 1.0).mul(two), 0, "incremental sum");
        }

        // ---------------- random replacement ----------------

        [Fact]
        public void RandomReplacement_Probability1_AlwaysOverwritesTheStaleSlot()
        {
            using var buf = new CriticalBuffer(T(0), 3, CriticalBufferStructure.Slots, seed: 7);
            Offer(buf, T(1), 5.0, 1.0);
            Offer(buf, T(2), 1.0, 1.0);
            Offer(buf, T(3), 6.0, 1.0);
            // Full. No minimum search has happened: `smallest` is still 0, whatever the priorities.
            Offer(buf, T(4), 0.01, 1.0);
            Offer(buf, T(5), 0.02, 1.0);
            AssertClose(new[] { 5.0, 2.0, 3.0 }, Host(buf.Values), 0, "slot 0 overwritten twice");
            AssertClose(new[] { 0.02, 1.0, 6.0 }, buf.StoredPriorities(), 0, "keys");

            // A priority-test offer refreshes `smallest` (argmin = slot 0 with 0.02) even when ... admitted here: 7 > 0.02.
            Offer(buf, T(6), 7.0, 0.0);
            AssertClose(new[] { 6.0, 2.0, 3.0 }, Host(buf.Values), 0, "priority test overwrote slot 0");
            // Now a rejected priority test moves `smallest` to slot 1 (key 1.0), and random replacement follows it.
            Offer(buf, T(7), 0.5, 0.0);
            AssertClose(new[] { 6.0, 2.0, 3.0 }, Host(buf.Values), 0, "rejected");
            Offer(buf, T(8), 0.0, 1.0);
            AssertClose(new[] { 6.0, 8.0, 3.0 }, Host(buf.Values), 0, "random replacement hits the last argmin (slot 1)");
            AssertClose(new[] { (6.0 + 8 + 3) / 3 }, buf.Aggregate(T(0), AggregationRule.BufferMeanOnly, 1), 1e-15, "running sum");
        }

        private static double[] RandomSequence(int seed, int n)
        {
            var r = new Random(seed);
            return Enumerable.Range(0, n).Select(_ => r.NextDouble() * 4 - 2).ToArray();
        }

        private static void RunRandom(CriticalBuffer buf, double[] data, int from, int to, double criticalTest, int maxAge = 0, List<Tensor>? outputs = null)
        {
            for (int i = from; i < to; i++)
            {
                using (NewDisposeScope())
                {
                    buf.DropOlderThan(maxAge);
                    var x = T(data[3 * i], data[3 * i + 1]);
                    if (buf.HasEverReceived)
                    {
                        var a = buf.Aggregate(x, AggregationRule.Sum, 1.0);
                        outputs?.Add(a.DetachFromDisposeScope());
                    }

                    Offer(buf, x, Math.Abs(data[3 * i + 2]) * 3, criticalTest);
                    buf.DecayPriorities(0.9);
                }
            }
        }

        [Fact]
        public void RandomReplacement_IsDeterministicPerSeed_AndSurvivesSaveLoad()
        {
            var data = RandomSequence(1, 3 * 60);
            using var a = new CriticalBuffer(T(0, 0), 4, CriticalBufferStructure.Slots, seed: 42);
            using var b = new CriticalBuffer(T(0, 0), 4, CriticalBufferStructure.Slots, seed: 42);
            using var c = new CriticalBuffer(T(0, 0), 4, CriticalBufferStructure.Slots, seed: 43);
            var outA = new List<Tensor>();
            var outB = new List<Tensor>();
            var outC = new List<Tensor>();
            RunRandom(a, data, 0, 30, 0.5, outputs: outA);
            RunRandom(b, data, 0, 30, 0.5, outputs: outB);
            RunRandom(c, data, 0, 30, 0.5, outputs: outC);
            using var restored = RoundTrip(a, () => new CriticalBuffer(T(0, 0), 4, CriticalBufferStructure.Slots, seed: 999));
            var outR = new List<Tensor>();
            RunRandom(a, data, 30, 60, 0.5, outputs: outA);
            RunRandom(b, data, 30, 60, 0.5, outputs: outB);
            RunRandom(c, data, 30, 60, 0.5, outputs: outC);
            RunRandom(restored, data, 30, 60, 0.5, outputs: outR);
            for (int i = 0; i < outA.Count; i++)
            {
                AssertBitEqual(outA[i], outB[i], $"same seed, step {i}");
            }

            for (int i = 0; i < outR.Count; i++)
            {
                AssertBitEqual(outA[29 + i], outR[i], $"restored, step {30 + i}");
            }

            AssertBitEqual(a.Values, restored.Values, "values after restore");
            Assert.True(a.ApproximatelyEquals(restored));
            Assert.False(a.ApproximatelyEquals(c));
            Assert.Contains(Enumerable.Range(0, outA.Count), i => !Host(outA[i]).SequenceEqual(Host(outC[i])));
        }

        [Fact]
        public void RandomReplacement_IsOnlyForSlots()
        {
            using var buf = new CriticalBuffer(T(0), 2, CriticalBufferStructure.Heap);
            Assert.Throws<NotSupportedException>(() => buf.Offer(T(1), tensor(1.0), 0.5));
            Assert.Throws<NotSupportedException>(() => buf.AggregateAndOffer(T(1), AggregationRule.Mean, 1.0, tensor(1.0), 0.5));
            var operands = default(CriticalKernelOperands);
            Assert.Throws<NotSupportedException>(() => buf.PlanOffer(1.0, 0.5, valuesFinite: true, ref operands));
            Assert.Equal(0, buf.StepsSeen);
            buf.Offer(T(1), tensor(1.0)); // a device priority is read on the host for the heap
            Assert.Equal(new[] { 1.0 }, buf.StoredPriorities());
        }

        // ---------------- max age ----------------

        [Theory]
        [MemberData(nameof(Structures))]
        public void MaxAge_AggregatesOnlyEntriesAtMostMaxAgeStepsOld(CriticalBufferStructure structure)
        {
            const int maxAge = 2;
            using var buf = new CriticalBuffer(T(0, 0), 3, structure);
            var gs = Enumerable.Range(1, 8).Select(s => new[] { (double)s, -2.0 * s }).ToArray();
            for (int s = 1; s <= gs.Length; s++)
            {
                using (NewDisposeScope())
                {
                    buf.DropOlderThan(maxAge);
                    var x = T(gs[s - 1]);
                    if (buf.HasEverReceived)
                    {
                        // Entries offered at steps s-1 (age 1) and s-2 (age 2) only.
                        var ages = Enumerable.Range(Math.Max(1, s - maxAge), Math.Min(maxAge, s - 1)).ToArray();
                        var mean0 = ages.Average(k => gs[k - 1][0]);
                        var mean1 = ages.Average(k => gs[k - 1][1]);
                        AssertClose(new[] { x[0].item<double>() + mean0, x[1].item<double>() + mean1 }, buf.Aggregate(x, AggregationRule.Sum, 1.0), 1e-14, $"step {s}");
                        Assert.Equal(ages.Length, buf.StoredCount());
                    }

                    Offer(buf, x, s); // increasing priorities: always admitted
                    buf.DecayPriorities(0.9);
                }

                var occupied = buf.StoredSlots();
                var values = Host(buf.Values);
                for (int slot = 0; slot < 3; slot++)
                {
                    if (!occupied.Contains(slot))
                    {
                        Assert.True(values[2 * slot] == 0 && values[2 * slot + 1] == 0, $"slot {slot} not zeroed at step {s}");
                    }
                }
            }
        }

        [Theory]
        [MemberData(nameof(Structures))]
        public void MaxAge_LargeJump_DropsEverythingTooOld(CriticalBufferStructure structure)
        {
            using var buf = new CriticalBuffer(T(0), 4, structure);
            var prios = new[] { 5.0, 1.0, 7.0, 2.0, 3.0, 0.5, 9.0 };
            for (int i = 0; i < prios.Length; i++)
            {
                Offer(buf, T(i + 1), prios[i]);
            }

            // Heap: 3 evicts 1 ([2,5,3,7]? no matter); the entry of step 7 (9.0 > min) is stored. Keep only age <= 1 (step 7).
            buf.DropOlderThan(1);
            Assert.Equal(1, buf.StoredCount());
            AssertClose(new[] { 9.0 }, buf.StoredPriorities(), 0, "remaining key");
            AssertClose(new[] { 7.0 }, buf.Aggregate(T(0), AggregationRule.BufferMeanOnly, 1.0), 1e-15, "remaining value");
            Assert.Equal(7.0, Host(buf.Values).Sum());

            // Dropped slots are reused (Slots: first free slot; Heap: lowest free slot) and admission has room again.
            Offer(buf, T(100), 0.1);
            Assert.Equal(2, buf.StoredCount());
            AssertClose(new[] { 53.5 }, buf.Aggregate(T(0), AggregationRule.BufferMeanOnly, 1.0), 1e-15, "mean after refill");
        }

        [Fact]
        public void MaxAge_HeapCanBecomeEmpty_ThenAggregateReturnsX()
        {
            using var buf = new CriticalBuffer(T(0), 2, CriticalBufferStructure.Heap);
            buf.DropOlderThan(1);
            buf.Offer(T(3), 1.0);
            buf.DropOlderThan(1);
            Assert.Equal(1, buf.StoredCount());
            buf.Offer(T(4), double.NaN); // filtered out
            buf.DropOlderThan(1);        // the entry of step 1 is now 2 steps old
            Assert.Equal(0, buf.StoredCount());
            var x = T(-1.25);
            foreach (AggregationRule rule in Enum.GetValues(typeof(AggregationRule)))
            {
                AssertBitEqual(x, buf.Aggregate(x, rule, 1.0), rule.ToString());
            }
        }

        /// <summary>A plain C# model of the slot buffer with max age (device-mode semantics) to compare long random runs with.</summary>
        private sealed class SlotModel
        {
            private readonly int _c;
            public readonly double?[] Keys;
            public readonly double[] Values;
            public readonly long[] Inserted;
            public long Steps;

            public SlotModel(int c)
            {
                _c = c;
                Keys = new double?[c];
                Values = new double[c];
                Inserted = new long[c];
            }

            public void Drop(int maxAge)
            {
                for (int i = 0; i < _c; i++)
                {
                    if (Keys[i] is not null && Steps - Inserted[i] + 1 > maxAge)
                    {
                        Keys[i] = null;
                        Values[i] = 0;
                    }
                }
            }

            public double Mean() => Enumerable.Range(0, _c).Where(i => Keys[i] is not null).Average(i => Values[i]);

            public void Offer(double v, double p)
            {
                Steps++;
                int free = Array.FindIndex(Keys, k => k is null);
                if (free >= 0)
                {
                    Keys[free] = p;
                    Values[free] = v;
                    Inserted[free] = Steps;
                    return;
                }

                int argmin = 0;
                for (int i = 1; i < _c; i++)
                {
                    if (Keys[i]!.Value < Keys[argmin]!.Value)
                    {
                        argmin = i;
                    }
                }

                if (p > Keys[argmin]!.Value)
                {
                    Keys[argmin] = p;
                    Values[argmin] = v;
                    Inserted[argmin] = Steps;
                }
            }

            public void Decay(double d)
            {
                for (int i = 0; i < _c; i++)
                {
                    if (Keys[i] is not null)
                    {
                        Keys[i] *= d;
                    }
                }
            }
        }

        [Theory]
        [InlineData(3, 2, false)]
        [InlineData(4, 3, false)]
        [InlineData(5, 9, false)]
        [InlineData(2, 1, false)]
        [InlineData(3, 4, true)]
        public void MaxAge_Slots_MatchesModelOnLongRandomRun(int capacity, int maxAge, bool zeroDim)
        {
            var data = RandomSequence(capacity * 31 + maxAge, 200);
            Func<double, Tensor> make = v => zeroDim ? tensor(v, dtype: ScalarType.Float64) : T(v);
            using var buf = new CriticalBuffer(make(0), capacity, CriticalBufferStructure.Slots);
            var model = new SlotModel(capacity);
            for (int i = 0; i < 100; i++)
            {
                using (NewDisposeScope())
                {
                    buf.DropOlderThan(maxAge);
                    model.Drop(maxAge);
                    var x = make(data[2 * i]);
                    if (buf.HasEverReceived)
                    {
                        AssertClose(new[] { data[2 * i] + model.Mean() }, buf.Aggregate(x, AggregationRule.Sum, 1.0), 1e-12, $"step {i + 1}");
                    }

                    double p = Math.Abs(data[2 * i + 1]);
                    Offer(buf, x, p);
                    model.Offer(data[2 * i], p);
                    buf.DecayPriorities(0.8);
                    model.Decay(0.8);
                }

                var expectedKeys = model.Keys.Where(k => k is not null).Select(k => k!.Value).ToArray();
                AssertClose(expectedKeys, buf.StoredPriorities(), 1e-12, $"keys step {i + 1}");
            }
        }

        [Fact]
        public void MaxAge_Slots_WithRandomReplacement_RoundTrips()
        {
            var data = RandomSequence(5, 3 * 50);
            using var a = new CriticalBuffer(T(0, 0), 3, CriticalBufferStructure.Slots, seed: 11);
            var outA = new List<Tensor>();
            RunRandom(a, data, 0, 25, 0.3, maxAge: 3, outputs: outA);
            using var b = RoundTrip(a, () => new CriticalBuffer(T(0, 0), 3, CriticalBufferStructure.Slots));
            using var c = new CriticalBuffer(T(0, 0), 3, CriticalBufferStructure.Slots);
            c.CopyFrom(a);
            var outB = new List<Tensor>();
            var outC = new List<Tensor>();
            RunRandom(a, data, 25, 50, 0.3, maxAge: 3, outputs: outA);
            RunRandom(b, data, 25, 50, 0.3, maxAge: 3, outputs: outB);
            RunRandom(c, data, 25, 50, 0.3, maxAge: 3, outputs: outC);
            for (int i = 0; i < outB.Count; i++)
            {
                AssertBitEqual(outA[24 + i], outB[i], $"loaded, step {26 + i}");
                AssertBitEqual(outA[24 + i], outC[i], $"copied, step {26 + i}");
            }

            Assert.True(a.ApproximatelyEquals(b));
            Assert.True(a.ApproximatelyEquals(c));
            Assert.True(a.StoredCount() <= 3);
        }

        // ---------------- storage dtype ----------------

        [Theory]
        [MemberData(nameof(Structures))]
        public void BFloat16Storage_HalvesValuesBytes_AggregatesInParameterDtype(CriticalBufferStructure structure)
        {
            var like = zeros(1000, dtype: ScalarType.Float32);
            using var full = new CriticalBuffer(like, 4, structure);
            using var half = new CriticalBuffer(like, 4, structure, ScalarType.BFloat16);
            Assert.Equal(ScalarType.BFloat16, half.Values.dtype);
            Assert.Equal(full.Values.NumberOfElements, half.Values.NumberOfElements);
            Assert.Equal(full.Values.NumberOfElements * full.Values.ElementSize, 2 * half.Values.NumberOfElements * half.Values.ElementSize);

            using Scalar third = 1.0 / 3, scale = 0.7;
            var g1 = linspace(-1, 1, 1000, dtype: ScalarType.Float32).add(third, Scalars.One);
            var g2 = linspace(3, -2, 1000, dtype: ScalarType.Float32).mul(scale);
            if (structure == CriticalBufferStructure.Heap)
            {
                half.Offer(g1, 1.0);
                half.Offer(g2, 2.0);
            }
            else
            {
                half.Offer(g1, tensor(1.0f));
                half.Offer(g2, tensor(2.0f));
            }

            var x = linspace(0, 1, 1000, dtype: ScalarType.Float32);
            var r = half.Aggregate(x, AggregationRule.Sum, 1.0);
            Assert.Equal(ScalarType.Float32, r.dtype);
            var q1 = g1.to(ScalarType.BFloat16).to(ScalarType.Float32);
            var q2 = g2.to(ScalarType.BFloat16).to(ScalarType.Float32);
            using Scalar twoDouble = 2.0, twoInt = 2;
            var expected = structure == CriticalBufferStructure.Heap
                ? x.add(q1.clone().add_(q2, Scalars.One).div_(twoDouble), Scalars.One)      // heap order: [g1 (1.0), g2 (2.0)]
                : x.add(zeros_like(x).add_(q1, Scalars.One).add_(q2, Scalars.One).div(twoInt), Scalars.One);
            AssertBitEqual(expected, r, "bf16 values, fp32 aggregation");
            Assert.False(q1.equal(g1).all().item<bool>()); // the cast did lose bits
        }

        // ---------------- save / load / copy ----------------

        public static TheoryData<CriticalBufferStructure, bool> SaveLoadCases() => new TheoryData<CriticalBufferStructure, bool>
        {
            { CriticalBufferStructure.Heap, false }, { CriticalBufferStructure.Heap, true },
            { CriticalBufferStructure.Slots, false }, { CriticalBufferStructure.Slots, true },
        };

        [Theory]
        [MemberData(nameof(SaveLoadCases))]
        public void SaveLoad_And_CopyFrom_ContinueBitExactly(CriticalBufferStructure structure, bool bf16)
        {
            var data = RandomSequence(structure == CriticalBufferStructure.Heap ? 3 : 4, 3 * 40);
            var like = zeros(2, dtype: ScalarType.Float64);
            ScalarType? dtype = bf16 ? ScalarType.BFloat16 : null;
            Func<CriticalBuffer> make = () => new CriticalBuffer(like, 3, structure, dtype);
            using var a = make();
            var outA = new List<Tensor>();
            RunRandom(a, data, 0, 20, 0.0, outputs: outA);

            using var loaded = RoundTrip(a, make);
            using var copied = make();
            copied.CopyFrom(a);
            Assert.True(a.ApproximatelyEquals(loaded));
            Assert.True(a.ApproximatelyEquals(copied));
            Assert.Equal(a.StepsSeen, loaded.StepsSeen);
            Assert.True(loaded.HasEverReceived);
            AssertBitEqual(a.StoredPriorities(), loaded.StoredPriorities(), "priorities");
            Assert.Equal(a.StoredSlots(), loaded.StoredSlots());

            var outL = new List<Tensor>();
            var outC = new List<Tensor>();
            RunRandom(a, data, 20, 40, 0.0, outputs: outA);
            RunRandom(loaded, data, 20, 40, 0.0, outputs: outL);
            RunRandom(copied, data, 20, 40, 0.0, outputs: outC);
            for (int i = 0; i < outL.Count; i++)
            {
                AssertBitEqual(outA[19 + i], outL[i], $"loaded step {21 + i}");
                AssertBitEqual(outA[19 + i], outC[i], $"copied step {21 + i}");
            }

            AssertBitEqual(a.Values, loaded.Values, "values");
            AssertBitEqual(a.Values, copied.Values, "values (copy)");
            AssertBitEqual(a.StoredPriorities(), loaded.StoredPriorities(), "priorities at the end");

            // CopyFrom is deep: the source moving on does not change the copy.
            var snapshot = copied.Values.clone();
            RunRandom(a, data, 0, 5, 0.0);
            AssertBitEqual(snapshot, copied.Values, "copy is independent");
        }

        [Fact]
        public void SaveLoad_EmptyBuffer_And_Mismatches()
        {
            using var empty = new CriticalBuffer(T(0, 0), 3, CriticalBufferStructure.Slots, seed: 5);
            using var loaded = RoundTrip(empty, () => new CriticalBuffer(T(0, 0), 3, CriticalBufferStructure.Slots));
            Assert.False(loaded.HasEverReceived);
            Assert.True(empty.ApproximatelyEquals(loaded)); // includes the RNG state (seed 5)

            using var ms = new MemoryStream();
            using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                empty.Save(w);
            }

            foreach (var other in new[]
            {
                new CriticalBuffer(T(0, 0), 4, CriticalBufferStructure.Slots),
                new CriticalBuffer(T(0, 0), 3, CriticalBufferStructure.Heap),
                new CriticalBuffer(T(0, 0, 0), 3, CriticalBufferStructure.Slots),
            })
            {
                ms.Position = 0;
                using var r = new BinaryReader(ms, System.Text.Encoding.UTF8, leaveOpen: true);
                Assert.Throws<InvalidDataException>(() => other.Load(r));
                Assert.Throws<ArgumentException>(() => other.CopyFrom(empty));
                other.Dispose();
            }
        }

        [Theory]
        [MemberData(nameof(Structures))]
        public void To_SameDevice_KeepsState(CriticalBufferStructure structure)
        {
            using var buf = new CriticalBuffer(T(0, 0), 2, structure);
            Offer(buf, T(1, 2), 1.0);
            Offer(buf, T(3, 4), 2.0);
            buf.to(CPU);
            AssertClose(new[] { 2.0, 3.0 }, buf.Aggregate(T(0, 0), AggregationRule.BufferMeanOnly, 1), 1e-15);
            Assert.Equal(DeviceType.CPU, buf.Values.device_type);
        }

        [Fact]
        public void ArgumentChecks()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new CriticalBuffer(T(0), 0, CriticalBufferStructure.Slots));
            using var buf = new CriticalBuffer(T(0, 0), 2, CriticalBufferStructure.Slots);
            Assert.Throws<ArgumentException>(() => buf.Offer(T(1, 2, 3), tensor(1.0)));
            Assert.Equal(0, buf.StepsSeen);
            buf.Dispose();
            Assert.Throws<ObjectDisposedException>(() => buf.DecayPriorities(0.5));
        }

        [Theory]
        [MemberData(nameof(Structures))]
        public void GradientTracking_NeverReachesTheBuffer(CriticalBufferStructure structure)
        {
            using var buf = new CriticalBuffer(T(0, 0), 2, structure);
            var x = T(1, 2).requires_grad_();
            var p = x.norm();
            Assert.True(p.requires_grad);
            if (structure == CriticalBufferStructure.Heap)
            {
                buf.Offer(x, 1.0);
            }
            else
            {
                buf.Offer(x, p);
            }

            using Scalar two = 2;
            buf.Offer(x.mul(two), 2.0);
            buf.DecayPriorities(0.5);
            Assert.False(buf.Values.requires_grad);
            Assert.False(buf.Aggregate(x, AggregationRule.Sum, 1.0).requires_grad);
            Assert.Throws<ArgumentException>(() => buf.Aggregate(T(1, 2, 3), AggregationRule.Sum, 1.0));
        }

        [Fact]
        public void Slots_KeysUseThePriorityDtype_HostPriorityIsAFill()
        {
            var like = zeros(2, dtype: ScalarType.Float32);
            using var buf = new CriticalBuffer(like, 2, CriticalBufferStructure.Slots);
            buf.Offer(ones(2), 0.1);                 // host double -> float32 key (the parameter dtype)
            buf.Offer(ones(2), tensor(0.2f));
            Assert.Equal(new[] { (double)0.1f, (double)0.2f }, buf.StoredPriorities());
        }
    }
}
