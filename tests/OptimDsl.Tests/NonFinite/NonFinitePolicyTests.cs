using System;
using System.Collections.Generic;
using System.Linq;
using OptimDsl.Runtime;
using OptimDsl.Tests.Fused;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace OptimDsl.Tests.NonFinite
{
    /// <summary>
    /// The non-finite policy of docs/DSL.md, end to end, for every buffer structure (heap, slots), source (gradients,
    /// momenta) and priority mode (synced or not), on both back ends. One parameter of a group of three gets a gradient with
    /// a NaN or an infinite element while its buffer fills (step 2) and another one once the buffers are full (step 7):
    /// <list type="bullet">
    /// <item>no buffer ever holds a non-finite priority or value, and its running sum stays finite;</item>
    /// <item>the offending offer is refused: the buffer's values do not change that step;</item>
    /// <item>the siblings are not blocked: they step exactly (bit for bit) as in a run where the offending gradients are
    /// zeros — a non-finite norm counts as zero in a synced priority;</item>
    /// <item>the moments behave as PyTorch's: the offending parameter's moments and the parameter itself become non-finite
    /// (NaN stays NaN), so a buffer of its momenta refuses every later offer, while a buffer of its gradients admits its
    /// next finite gradients;</item>
    /// <item>the fused kernels and the tensor operations take the same decisions (counts and slots).</item>
    /// </list>
    /// </summary>
    public sealed class NonFinitePolicyTests
    {
        private const int Steps = 12;

        private static readonly long[][] Shapes = { new long[] { 4, 5 }, new long[] { 7 }, new long[] { 3, 2 } };

        // (step, parameter) of the offending gradients.
        private static readonly (int Step, int Parameter)[] Offending = { (2, 0), (7, 2) };

        public static IEnumerable<object[]> Cases() =>
            from optimizer in new[] { nameof(HeapGradientAdam), nameof(HeapMomentumAdam), nameof(SlotGradientAdam), nameof(SlotMomentumAdam) }
            from synced in new[] { true, false }
            from bad in new[] { double.NaN, double.PositiveInfinity }
            select new object[] { optimizer, synced, bad };

        [Theory]
        [MemberData(nameof(Cases))]
        public void NonFiniteGradients_NeverEnterABuffer_AndDoNotBlockTheirSiblings(string optimizer, bool synced, double bad)
        {
            using var scope = NewDisposeScope();
            bool momenta = optimizer.Contains("Momentum", StringComparison.Ordinal);
            var runs = new Dictionary<(bool Fused, bool Poisoned), Run>();
            foreach (bool fused in new[] { true, false })
            {
                foreach (bool poisoned in new[] { true, false })
                {
                    runs[(fused, poisoned)] = new Run(optimizer, synced, fused);
                }
            }

            try
            {
                for (int step = 1; step <= Steps; step++)
                {
                    foreach (((bool fused, bool poisoned), Run run) in runs)
                    {
                        Tensor[] before = run.Values();
                        run.Step(step, poisoned ? bad : null);
                        string where = $"{optimizer} (synced: {synced}, fused: {fused}, {(poisoned ? "poisoned" : "clean")}), step {step}";
                        for (int i = 0; i < Shapes.Length; i++)
                        {
                            AssertFiniteBuffer(run.Buffer(i), $"{where}, parameter {i}");
                        }

                        if (poisoned && Array.FindIndex(Offending, o => o.Step == step) is int k && k >= 0)
                        {
                            int victim = Offending[k].Parameter;
                            Assert.True(FusedDispatchTests.BitEqual(before[victim], run.Buffer(victim).Values), $"{where}: the non-finite offer changed the buffer");
                            Assert.False(run.Parameters[victim].isfinite().all().item<bool>(), $"{where}: a non-finite gradient left the parameter finite (PyTorch's moments propagate it)");
                        }

                        if (poisoned && momenta)
                        {
                            // The offending parameters' momenta stay non-finite, so their buffers never admit again.
                            foreach ((int badStep, int victim) in Offending.Where(o => o.Step < step))
                            {
                                Assert.False(run.State(victim).Tensor("exp_avg")!.isfinite().all().item<bool>(), $"{where}: the momentum of parameter {victim} became finite");
                                Assert.True(FusedDispatchTests.BitEqual(before[victim], run.Buffer(victim).Values), $"{where}: parameter {victim}'s buffer admitted a non-finite momentum");
                            }
                        }
                    }

                    foreach (bool fused in new[] { true, false })
                    {
                        Run poisoned = runs[(fused, true)];
                        Run clean = runs[(fused, false)];
                        for (int i = 0; i < Shapes.Length; i++)
                        {
                            if (Offending.Any(o => o.Parameter == i && o.Step <= step))
                            {
                                continue;
                            }

                            string where = $"{optimizer} (synced: {synced}, fused: {fused}), step {step}, parameter {i}";
                            Assert.True(FusedDispatchTests.BitEqual(clean.Parameters[i], poisoned.Parameters[i]), where + ": the sibling stepped differently");
                            Assert.True(FusedDispatchTests.BitEqual(clean.Buffer(i).Values, poisoned.Buffer(i).Values), where + ": the sibling's buffer differs");
                        }
                    }

                    foreach (bool poisoned in new[] { true, false })
                    {
                        for (int i = 0; i < Shapes.Length; i++)
                        {
                            CriticalBuffer a = runs[(true, poisoned)].Buffer(i);
                            CriticalBuffer b = runs[(false, poisoned)].Buffer(i);
                            string where = $"{optimizer} (synced: {synced}, {(poisoned ? "poisoned" : "clean")}), step {step}, parameter {i}";
                            Assert.True(a.StoredCount() == b.StoredCount(), where + ": the fused and tensor paths stored different counts");
                            Assert.True(a.StoredSlots().SequenceEqual(b.StoredSlots()), where + ": the fused and tensor paths used different slots");
                        }
                    }
                }

                foreach (Run run in runs.Values)
                {
                    for (int i = 0; i < Shapes.Length; i++)
                    {
                        bool blocked = momenta && Offending.Any(o => o.Parameter == i);
                        if (!blocked)
                        {
                            Assert.Equal(3, run.Buffer(i).StoredCount());
                        }
                    }
                }
            }
            finally
            {
                foreach (Run run in runs.Values)
                {
                    run.Dispose();
                }
            }
        }

        /// <summary>Priorities and values finite; the running sum (seen through an aggregate of zeros) finite.</summary>
        internal static void AssertFiniteBuffer(CriticalBuffer buffer, string where)
        {
            Assert.True(buffer.StoredPriorities().All(double.IsFinite), where + ": a stored priority is not finite");
            Assert.True(buffer.Values.isfinite().all().item<bool>(), where + ": a stored value is not finite");
            using Tensor zero = zeros(buffer.Values[0].shape, dtype: buffer.Values.dtype);
            using Tensor aggregate = buffer.Aggregate(zero, AggregationRule.Sum, 1.0);
            Assert.True(aggregate.isfinite().all().item<bool>(), where + ": the running sum is not finite");
        }

        /// <summary>One optimizer over three parameters, fed the same gradients in every run.</summary>
        private sealed class Run : IDisposable
        {
            private readonly OptimizerHelper _optimizer;

            public Run(string optimizer, bool synced, bool fused)
            {
                Parameters = Shapes.Select((s, i) => new Parameter(randn(s, generator: new Generator((ulong)(1 + i))))).ToArray();
                Type type = typeof(NonFinitePolicyTests).Assembly.GetType("OptimDsl.Tests.NonFinite." + optimizer, throwOnError: true)!;
                _optimizer = CatalogOptimizers.Create(type, Parameters, fused, new Dictionary<string, object?> { ["synced"] = synced });
            }

            public Parameter[] Parameters { get; }

            public ParameterState State(int index) => ParameterState.Of(_optimizer, index);

            public CriticalBuffer Buffer(int index) => State(index).Critical!;

            public Tensor[] Values() => Enumerable.Range(0, Shapes.Length).Select(i => Buffer(i).Values.clone()).ToArray();

            /// <summary>A step with random gradients; the offending ones hold <paramref name="bad"/> in one element (null: zeros instead).</summary>
            public void Step(int step, double? bad)
            {
                for (int i = 0; i < Parameters.Length; i++)
                {
                    // Larger gradients now and then, so full buffers keep admitting.
                    Tensor g = randn(Shapes[i], generator: new Generator((ulong)(1000 * step + i)));
                    using (Scalar scale = step % 3 == 0 ? 4.0 : 1.0)
                    {
                        g.mul_(scale);
                    }

                    if (Offending.Contains((step, i)))
                    {
                        if (bad is { } value)
                        {
                            using Scalar poison = value;
                            g.view(-1)[1].fill_(poison);
                        }
                        else
                        {
                            g.zero_();
                        }
                    }

                    Parameters[i].grad = g;
                }

                _optimizer.step();
            }

            public void Dispose() => _optimizer.Dispose();
        }
    }
}
