using System;
using System.Collections.Generic;
using System.Linq;
using OptimDsl.Runtime;
using OptimDsl.Tests.NonFinite;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static OptimDsl.Tests.Critical.CriticalTestUtil;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Critical
{
    /// <summary>
    /// Inspecting the critical buffer of a generated optimizer, reached as the documentation says
    /// (<c>optimizer.state_dict().State[i]</c> is parameter i's live <c>State</c>, whose <c>critical</c> field is its buffer):
    /// for both structures, a buffer of gradients and one of momenta, on both back ends, every entry the snapshot reports holds
    /// exactly the quantity of the step that stored it, with that step's gradient norm decayed once per step since.
    /// </summary>
    public sealed class OptimizerBufferInspectionTests
    {
        private const double Decay = 0.9; // the declarations' Decay
        private const int Steps = 7;      // more than topC = 3 offers, some of them admitted into a full buffer

        public static IEnumerable<object[]> Cases() =>
            from name in new[] { nameof(HeapGradientAdam), nameof(HeapMomentumAdam), nameof(SlotGradientAdam), nameof(SlotMomentumAdam) }
            from fused in new[] { true, false }
            select new object[] { name, fused };

        [Theory]
        [MemberData(nameof(Cases))]
        public void EveryEntry_IsTheQuantityOfTheStepThatStoredIt(string name, bool fused)
        {
            using var scope = NewDisposeScope();
            var parameter = new Parameter(randn(new long[] { 4, 5 }, generator: new Generator(11)));
            using OptimizerHelper optimizer = Create(name, parameter, fused);
            bool momentum = name.Contains("Momentum", StringComparison.Ordinal);
            var stored = new Dictionary<long, Tensor>();   // step -> the quantity offered that step (gradient or first moment)
            var norms = new Dictionary<long, double>();    // step -> the gradient's norm: the offer's priority
            var generator = new Generator(12);
            var scales = new[] { 1.0, 5.0, 0.5, 8.0, 0.1, 2.0, 20.0 };
            for (int step = 1; step <= Steps; step++)
            {
                using Scalar scale = scales[step - 1];
                Tensor gradient = randn(parameter.shape, generator: generator).mul_(scale);
                optimizer.zero_grad();
                (parameter * gradient).sum().backward();
                optimizer.step();
                stored[step] = momentum ? ExpAvg(optimizer).clone() : gradient;
                norms[step] = gradient.to(ScalarType.Float64).norm().item<double>();
            }

            CriticalBuffer buffer = Buffer(optimizer);
            CriticalBufferSnapshot snapshot = buffer.Snapshot();

            Assert.Equal(3, snapshot.Count);
            Assert.Equal(Steps, snapshot.StepsSeen);
            Assert.Equal(new long[] { 4, 5 }, snapshot.EntryShape);
            Assert.Equal(ScalarType.Float32, snapshot.Dtype);
            Assert.Equal(snapshot.Entries.Count, snapshot.Entries.Select(e => e.Slot).Distinct().Count());
            if (snapshot.Structure == CriticalBufferStructure.Slots)
            {
                Assert.Equal(snapshot.Entries.Select(e => e.Slot).OrderBy(s => s), snapshot.Entries.Select(e => e.Slot));
            }

            foreach (CriticalBufferEntry entry in snapshot.Entries)
            {
                string what = $"{name}, entry of step {entry.InsertedAt} in slot {entry.Slot}";
                Assert.Equal(Steps - entry.InsertedAt, entry.Age);
                AssertBitEqual(stored[entry.InsertedAt], buffer.ReadEntry(entry.Slot), what);
                double expected = norms[entry.InsertedAt] * Math.Pow(Decay, entry.Age + 1);
                Assert.True(Math.Abs(entry.Priority - expected) <= 1e-5 * expected, $"{what}: priority {entry.Priority:R}, expected {expected:R}");
            }

            // The gradient scales were chosen so that both structures end with steps 2, 4 and 7 (the heap rejects step 6 against
            // its stale minimum, the slots admit it and evict it again at step 7).
            Assert.Equal(new long[] { 2, 4, 7 }, snapshot.OrderedByPriority().Select(e => e.InsertedAt).OrderBy(s => s));
        }

        private static OptimizerHelper Create(string name, Parameter parameter, bool fused) => name switch
        {
            nameof(HeapGradientAdam) => new HeapGradientAdam(new[] { parameter }, fused: fused),
            nameof(HeapMomentumAdam) => new HeapMomentumAdam(new[] { parameter }, fused: fused),
            nameof(SlotGradientAdam) => new SlotGradientAdam(new[] { parameter }, fused: fused),
            nameof(SlotMomentumAdam) => new SlotMomentumAdam(new[] { parameter }, fused: fused),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown optimizer."),
        };

        // The documented way in: state_dict().State holds the live per-parameter states (not copies).
        private static CriticalBuffer Buffer(OptimizerHelper optimizer) => optimizer.state_dict().State.Single() switch
        {
            HeapGradientAdam.State s => s.critical!,
            HeapMomentumAdam.State s => s.critical!,
            SlotGradientAdam.State s => s.critical!,
            SlotMomentumAdam.State s => s.critical!,
            var other => throw new InvalidOperationException("Unexpected state " + other.GetType()),
        };

        private static Tensor ExpAvg(OptimizerHelper optimizer) => optimizer.state_dict().State.Single() switch
        {
            HeapMomentumAdam.State s => s.exp_avg,
            SlotMomentumAdam.State s => s.exp_avg,
            var other => throw new InvalidOperationException("Unexpected state " + other.GetType()),
        };
    }
}
