using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Fused
{
    /// <summary>
    /// Which path a parameter takes. A qualifying parameter (float32/float64, contiguous, on the CPU) must take the fused
    /// kernels when <c>fused</c> is left automatic — observed as a step that creates no tensor at all besides the gradient
    /// wrappers it reads (the tensor path creates temporaries) and ends bit-identical to <c>fused: true</c>; everything
    /// else takes tensor operations and ends bit-identical to <c>fused: false</c>; <c>fused: true</c> on a parameter that
    /// cannot be fused throws before anything changes, naming the group, the position, the shape and the reason.
    /// </summary>
    public sealed class FusedDispatchTests
    {
        private const int Warmup = 3;
        private const int Measured = 4;

        private static readonly long[][] Shapes = { new long[] { 4, 5 }, new long[] { 7 }, new long[] { 2, 3, 4 }, new long[] { 33 } };

        private static Parameter[] Model(ScalarType dtype, int seed) =>
            Shapes.Select((s, i) => new Parameter(randn(s, generator: new Generator((ulong)(seed + i))).to(dtype))).ToArray();

        private static Tensor[][] Gradients(ScalarType dtype, int steps) =>
            Enumerable.Range(0, steps)
                .Select(t =>
                {
                    using Scalar scale = t % 5 == 4 ? 20 : 1;
                    return Shapes.Select((s, i) => randn(s, generator: new Generator((ulong)(1000 + 10 * t + i))).mul(scale).to(dtype)).ToArray();
                })
                .ToArray();

        /// <summary>Same dtype, shape and bytes.</summary>
        internal static bool BitEqual(Tensor a, Tensor b) =>
            a.dtype == b.dtype && a.shape.SequenceEqual(b.shape)
            && a.detach().contiguous().bytes.ToArray().AsSpan().SequenceEqual(b.detach().contiguous().bytes.ToArray());

        private static void Assign(Parameter[] parameters, Tensor[] grads)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i].grad = grads[i];
            }
        }

        [Theory]
        [MemberData(nameof(CatalogOptimizers.Names), MemberType = typeof(CatalogOptimizers))]
        public void QualifyingParametersTakeTheFusedKernels_AllocatingNoTensor(string optimizer)
        {
            foreach (ScalarType dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
            {
                using var scope = NewDisposeScope();
                Type type = CatalogOptimizers.Named(optimizer);
                Parameter[] automatic = Model(dtype, 1);
                Parameter[] forced = Model(dtype, 1);
                Tensor[][] grads = Gradients(dtype, Warmup + Measured);
                using OptimizerHelper a = CatalogOptimizers.Create(type, automatic, fused: null);
                using OptimizerHelper f = CatalogOptimizers.Create(type, forced, fused: true);
                for (int t = 0; t < grads.Length; t++)
                {
                    Assign(forced, grads[t]);
                    f.step();
                    Assign(automatic, grads[t]);
                    DisposeScopeManager.Statistics.Reset();
                    a.step();
                    long created = DisposeScopeManager.Statistics.CreatedInScopeCount + DisposeScopeManager.Statistics.CreatedOutsideScopeCount;
                    if (t >= Warmup)
                    {
                        // One managed wrapper per gradient read, nothing else: no temporary, no state, no norm tensor.
                        Assert.True(created == Shapes.Length, $"{optimizer} ({dtype}), step {t + 1}: {created} tensors created, expected only the {Shapes.Length} gradient wrappers");
                    }

                    for (int i = 0; i < automatic.Length; i++)
                    {
                        Assert.True(BitEqual(automatic[i], forced[i]), $"{optimizer} ({dtype}), step {t + 1}: parameter {i} differs from fused: true");
                    }
                }
            }
        }

        [Theory]
        [MemberData(nameof(CatalogOptimizers.Names), MemberType = typeof(CatalogOptimizers))]
        public void ParametersThatCannotBeFusedTakeTensorOperations(string optimizer)
        {
            using var scope = NewDisposeScope();
            Type type = CatalogOptimizers.Named(optimizer);

            // A bfloat16 parameter, a non-contiguous (transposed) one and float32 ones, in one group.
            Parameter[] Build() => new[]
            {
                new Parameter(randn(new long[] { 4, 5 }, generator: new Generator(3)).to(ScalarType.BFloat16)),
                new Parameter(randn(new long[] { 5, 4 }, generator: new Generator(4)).t()),
                new Parameter(randn(new long[] { 6 }, generator: new Generator(5))),
            };
            Parameter[] automatic = Build();
            Parameter[] tensorOps = Build();
            Assert.False(automatic[1].is_contiguous());
            using OptimizerHelper a = CatalogOptimizers.Create(type, automatic, fused: null);
            using OptimizerHelper b = CatalogOptimizers.Create(type, tensorOps, fused: false);
            for (int t = 0; t < 5; t++)
            {
                foreach (Parameter[] ps in new[] { automatic, tensorOps })
                {
                    for (int i = 0; i < ps.Length; i++)
                    {
                        ps[i].grad = randn(ps[i].shape, generator: new Generator((ulong)(100 * t + i))).to(ps[i].dtype);
                    }
                }

                a.step();
                b.step();

                // The two non-qualifying parameters took tensor operations: bit-identical to fused: false.
                for (int i = 0; i < 2; i++)
                {
                    Assert.True(BitEqual(automatic[i], tensorOps[i]), $"{optimizer}, step {t + 1}: parameter {i} did not take tensor operations");
                }
            }
        }

        [Fact]
        public void ForcedFusedOnAParameterThatCannotBeFused_ThrowsBeforeAnythingChanges()
        {
            using var scope = NewDisposeScope();
            var first = new Parameter(randn(new long[] { 3, 3 }));
            var second = new Parameter(randn(new long[] { 2, 4 }).to(ScalarType.BFloat16));
            using var optimizer = new OptimDsl.Optimizers.Adam(new[] { first }, fused: true);
            optimizer.add_param_group(new OptimDsl.Optimizers.Adam.ParamGroup(new[] { second }));
            first.grad = ones(3, 3);
            second.grad = ones(2, 4).to(ScalarType.BFloat16);
            Tensor before = first.detach().clone();

            var e = Assert.Throws<ArgumentException>(() => optimizer.step());
            Assert.Equal("fused", e.ParamName);
            Assert.Contains("parameter 0 of group 1", e.Message);
            Assert.Contains("shape [2, 4]", e.Message);
            Assert.Contains("BFloat16", e.Message);
            Assert.True(BitEqual(first, before), "the first group's parameter changed although the step failed");
            Assert.Equal(0, ((OptimDsl.Optimizers.Adam.State)optimizer.state_dict().State[0]).step);
        }

        [Fact]
        public void ReducedPrecisionBufferStorageTakesTensorOperations()
        {
            using var scope = NewDisposeScope();
            var automatic = new Parameter(randn(new long[] { 4, 4 }, generator: new Generator(9)));
            var tensorOps = new Parameter(automatic.detach().clone());
            using var a = new OptimDsl.Optimizers.CriticalAdam(new[] { automatic }, buffer_dtype: ScalarType.BFloat16);
            using var b = new OptimDsl.Optimizers.CriticalAdam(new[] { tensorOps }, buffer_dtype: ScalarType.BFloat16, fused: false);
            using var forced = new OptimDsl.Optimizers.CriticalAdam(new[] { new Parameter(automatic.detach().clone()) }, buffer_dtype: ScalarType.BFloat16, fused: true);
            for (int t = 0; t < 6; t++)
            {
                Tensor g = randn(new long[] { 4, 4 }, generator: new Generator((ulong)(50 + t)));
                automatic.grad = g.clone();
                tensorOps.grad = g.clone();
                a.step();
                b.step();
                Assert.True(BitEqual(automatic, tensorOps), "step " + (t + 1));
            }

            forced.parameters().Single().grad = ones(4, 4);
            var e = Assert.Throws<ArgumentException>(() => forced.step());
            Assert.Contains("critical buffer stores BFloat16", e.Message);
        }
    }
}
