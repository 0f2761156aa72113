using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using OptimDsl.Tests.Fused;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace OptimDsl.Tests.NonFinite
{
    /// <summary>
    /// <c>[SkipNonFinite]</c> on both back ends: a group whose gradients hold a NaN or an infinite value skips its whole step —
    /// its parameters and every bit of its state (moments, step counters, critical buffers with their host counters and RNG,
    /// SM3 accumulators, Adafactor factors, state created lazily by a first step) are exactly those of a twin optimizer that
    /// never saw that step, except that each parameter with a gradient counts one more skipped step; the other groups step
    /// normally; <c>skip_nonfinite: false</c> steps anyway (the non-finite policy then applies); the check creates no tensor
    /// on the fused path.
    /// </summary>
    public sealed class SkipNonFiniteTests
    {
        private const int Steps = 7;

        // A float32 matrix and vector (fused path unless fused: false), an empty one, and a matrix whose gradients are transposed
        // views (not contiguous: tensor operations, and a gradient checked by a reduction).
        private static readonly long[][] Shapes = { new long[] { 4, 5 }, new long[] { 9 }, new long[] { 0, 3 }, new long[] { 5, 3 } };

        private const int Transposed = 3;

        public static IEnumerable<object[]> Cases() =>
            from optimizer in new[] { nameof(SkippingAdamCM), nameof(SkippingHeapSgd), nameof(SkippingSM3), nameof(SkippingAdafactor) }
            from fused in new bool?[] { null, false }
            from victim in new[] { 0, Transposed }
            from badStep in new[] { 1, 4 }
            select new object[] { optimizer, fused, victim, badStep };

        [Theory]
        [MemberData(nameof(Cases))]
        public void A_non_finite_gradient_skips_the_group_leaving_its_state_bit_for_bit(string optimizer, bool? fused, int victim, int badStep)
        {
            using var scope = NewDisposeScope();
            using var skipping = new Run(optimizer, fused, skip: true);
            using var twin = new Run(optimizer, fused, skip: true);
            for (int step = 1; step <= Steps; step++)
            {
                bool bad = step == badStep;
                skipping.Step(step, bad ? victim : null, double.NaN);
                if (!bad)
                {
                    twin.Step(step, null, 0.0);
                }

                string where = $"{optimizer} (fused: {fused?.ToString() ?? "auto"}), step {step}";
                for (int i = 0; i < Shapes.Length; i++)
                {
                    Assert.True(FusedDispatchTests.BitEqual(twin.Parameters[i], skipping.Parameters[i]), $"{where}: parameter {i} differs from the twin that never saw the bad step");
                    Assert.Equal(step < badStep ? 0L : 1L, (long)ParameterState.Of(skipping.Optimizer, i).Field("skipped_steps")!);
                    Assert.Equal(0L, (long)ParameterState.Of(twin.Optimizer, i).Field("skipped_steps")!);
                }

                Assert.True(skipping.StateBytes(ignoreSkipped: true).SequenceEqual(twin.StateBytes(ignoreSkipped: true)), $"{where}: the saved state differs from the twin's");
            }
        }

        [Theory]
        [InlineData(nameof(SkippingHeapSgd), null)]
        [InlineData(nameof(SkippingHeapSgd), false)]
        [InlineData(nameof(SkippingAdamCM), null)]
        [InlineData(nameof(SkippingAdamCM), false)]
        public void Skipping_off_steps_anyway(string optimizer, bool? fused)
        {
            using var scope = NewDisposeScope();
            using var run = new Run(optimizer, fused, skip: false);
            run.Step(1, 0, double.PositiveInfinity);
            Assert.False(run.Parameters[0].isfinite().all().item<bool>(), "the step was skipped although skip_nonfinite is false");
            Assert.Equal(1L, ParameterState.Of(run.Optimizer, 0).Step);
            Assert.Equal(0L, (long)ParameterState.Of(run.Optimizer, 0).Field("skipped_steps")!);
        }

        [Theory]
        [InlineData(null)]
        [InlineData(false)]
        public void Only_the_group_with_the_non_finite_gradient_skips(bool? fused)
        {
            using var scope = NewDisposeScope();
            var first = new Parameter(randn(new long[] { 3, 4 }, generator: new Generator(1)));
            var second = new Parameter(randn(new long[] { 6 }, generator: new Generator(2)));
            var idle = new Parameter(randn(new long[] { 2 }, generator: new Generator(3)));
            using var optimizer = new SkippingAdamCM(new[] { first }, fused: fused);
            optimizer.add_param_group(new SkippingAdamCM.ParamGroup(new[] { second, idle }));
            Tensor secondBefore = second.detach().clone();
            first.grad = ones(3, 4);
            using Scalar nan = float.NaN;
            second.grad = full(new long[] { 6 }, nan);
            optimizer.step();

            Assert.Equal(1L, ParameterState.Of(optimizer, 0).Step);
            Assert.Equal(0L, ParameterState.Of(optimizer, 1).Step);
            Assert.Equal(1L, (long)ParameterState.Of(optimizer, 1).Field("skipped_steps")!);
            Assert.Equal(0L, (long)ParameterState.Of(optimizer, 2).Field("skipped_steps")!); // no gradient: nothing to skip
            Assert.True(FusedDispatchTests.BitEqual(secondBefore, second));
            Assert.True(first.isfinite().all().item<bool>());
        }

        [Theory]
        [InlineData(nameof(SkippingAdamCM))]
        [InlineData(nameof(SkippingAdafactor))]
        public void Skipped_step_counts_survive_a_checkpoint(string optimizer)
        {
            using var scope = NewDisposeScope();
            using var original = new Run(optimizer, fused: null, skip: true);
            original.Step(1, null, 0.0);
            original.Step(2, Transposed, double.PositiveInfinity);
            original.Step(3, null, 0.0);
            byte[] saved = original.StateBytes(ignoreSkipped: false);

            using var resumed = new Run(optimizer, fused: null, skip: true);
            using (var reader = new BinaryReader(new MemoryStream(saved)))
            {
                resumed.Optimizer.load_state_dict(reader);
            }

            for (int i = 0; i < Shapes.Length; i++)
            {
                object? expected = ParameterState.Of(original.Optimizer, i).Field("skipped_steps");
                Assert.Equal(1L, (long)expected!); // every parameter of the group had a gradient, so each counts the skipped step
                Assert.Equal(expected, ParameterState.Of(resumed.Optimizer, i).Field("skipped_steps"));
            }

            Assert.True(original.StateBytes(ignoreSkipped: false).SequenceEqual(resumed.StateBytes(ignoreSkipped: false)), optimizer + ": the loaded state saves differently");
        }

        [Fact]
        public void The_fused_check_creates_no_tensor()
        {
            using var scope = NewDisposeScope();
            Parameter[] parameters = Shapes.Take(2).Select((s, i) => new Parameter(randn(s, generator: new Generator((ulong)i)))).ToArray();
            using var optimizer = new SkippingAdamCM(parameters);
            Assert.Null(optimizer.Fused); // automatic: fused: true would read every gradient once more to check them up front
            for (int step = 1; step <= 6; step++)
            {
                foreach (Parameter p in parameters)
                {
                    p.grad = randn(p.shape, generator: new Generator((ulong)(10 * step)));
                }

                if (step == 5)
                {
                    using Scalar nan = double.NaN;
                    parameters[1].grad!.view(-1)[3].fill_(nan);
                }

                DisposeScopeManager.Statistics.Reset();
                optimizer.step();
                long created = DisposeScopeManager.Statistics.CreatedInScopeCount + DisposeScopeManager.Statistics.CreatedOutsideScopeCount;
                if (step >= 3)
                {
                    Assert.True(created == parameters.Length, $"step {step}: {created} tensors created, expected only the {parameters.Length} gradient wrappers");
                }
            }

            Assert.Equal(1L, (long)ParameterState.Of(optimizer, 0).Field("skipped_steps")!);
        }

        /// <summary>One declared optimizer over the four parameters, fed the same gradients in every run.</summary>
        private sealed class Run : IDisposable
        {
            public Run(string optimizer, bool? fused, bool skip)
            {
                Parameters = Shapes.Select((s, i) => new Parameter(randn(s, generator: new Generator((ulong)i)))).ToArray();
                Type type = typeof(SkipNonFiniteTests).Assembly.GetType("OptimDsl.Tests.NonFinite." + optimizer, throwOnError: true)!;
                Optimizer = CatalogOptimizers.Create(type, Parameters, fused, new Dictionary<string, object?> { ["skip_nonfinite"] = skip });
            }

            public Parameter[] Parameters { get; }

            public OptimizerHelper Optimizer { get; }

            /// <summary>Random gradients; parameter <paramref name="victim"/>'s holds <paramref name="bad"/> in one element.</summary>
            public void Step(int step, int? victim, double bad)
            {
                for (int i = 0; i < Parameters.Length; i++)
                {
                    var generator = new Generator((ulong)(100 * step + i));
                    Tensor g = i == Transposed ? randn(new[] { Shapes[i][1], Shapes[i][0] }, generator: generator).t() : randn(Shapes[i], generator: generator);
                    if (i == victim)
                    {
                        using Scalar poison = bad;
                        g[1, 2].fill_(poison);
                    }

                    Parameters[i].grad = g;
                }

                Optimizer.step();
            }

            /// <summary>The saved state (save_state_dict), with every skipped-step count set to 0 first if asked.</summary>
            public byte[] StateBytes(bool ignoreSkipped)
            {
                var counts = new long[Parameters.Length];
                for (int i = 0; i < Parameters.Length; i++)
                {
                    object state = Optimizer.state_dict().State[i];
                    var field = state.GetType().GetField("skipped_steps")!;
                    counts[i] = (long)field.GetValue(state)!;
                    if (ignoreSkipped)
                    {
                        field.SetValue(state, 0L);
                    }
                }

                using var stream = new MemoryStream();
                using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
                {
                    Optimizer.save_state_dict(writer);
                }

                for (int i = 0; i < Parameters.Length; i++)
                {
                    object state = Optimizer.state_dict().State[i];
                    state.GetType().GetField("skipped_steps")!.SetValue(state, counts[i]);
                }

                return stream.ToArray();
            }

            public void Dispose() => Optimizer.Dispose();
        }
    }
}
