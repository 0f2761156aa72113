using System;
using System.Collections.Generic;
using OptimDsl.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Sparse
{
    /// <summary>
    /// Sparse gradients are rejected with a clear <see cref="NotSupportedException"/> naming the parameter, and nothing is
    /// modified (the reference SM3 port's sparse path silently zeroes the accumulators of rows absent from the gradient).
    /// </summary>
    public sealed class SparseGradientTests
    {
        public static IEnumerable<object[]> Optimizers()
        {
            yield return ["SM3", (Func<Parameter[], optim.Optimizer>)(p => new SM3(p))];
            yield return ["Adafactor", (Func<Parameter[], optim.Optimizer>)(p => new OptimDsl.Optimizers.Adafactor(p))];
            yield return ["Adam", (Func<Parameter[], optim.Optimizer>)(p => new OptimDsl.Optimizers.Adam(p))];
            yield return ["CriticalAdam", (Func<Parameter[], optim.Optimizer>)(p => new CriticalAdam(p))];
        }

        [Theory]
        [MemberData(nameof(Optimizers))]
        public void SparseGradientThrowsAndLeavesTheParameterUntouched(string name, Func<Parameter[], optim.Optimizer> create)
        {
            using var embedding = nn.Embedding(10, 4, sparse: true);
            Parameter weight = embedding.weight!;
            Tensor before = weight.detach().clone();
            using optim.Optimizer optimizer = create([weight]);
            embedding.forward(tensor(new long[] { 1, 3 })).sum().backward();
            Assert.True(weight.grad!.is_sparse, "the embedding should produce a sparse gradient");

            var error = Assert.Throws<NotSupportedException>(() => optimizer.step());
            Assert.Contains("sparse", error.Message);
            Assert.Contains("parameter 0", error.Message);
            Assert.True(weight.detach().eq(before).all().item<bool>(), name + " modified the parameter before rejecting the gradient");
        }

        [Theory]
        [MemberData(nameof(Optimizers))]
        public void SparseGradientAfterADenseOne_ChangesNeitherParameterNorState(string name, Func<Parameter[], optim.Optimizer> create)
        {
            // A dense parameter first, then the sparse one: the step fails before the dense parameter is stepped, and its
            // step count is untouched, so the next (valid) step equals a fresh optimizer's first step bit for bit.
            var dense = new Parameter(randn(new long[] { 3, 4 }, generator: new Generator(1)));
            var twin = new Parameter(dense.detach().clone());
            using var embedding = nn.Embedding(10, 4, sparse: true);
            Parameter weight = embedding.weight!;
            using optim.Optimizer optimizer = create([dense, weight]);
            using optim.Optimizer fresh = create([twin]);
            Tensor gradient = randn(new long[] { 3, 4 }, generator: new Generator(2));
            dense.grad = gradient.clone();
            embedding.forward(tensor(new long[] { 1, 3 })).sum().backward();

            var error = Assert.Throws<NotSupportedException>(() => optimizer.step());
            Assert.Contains("parameter 1", error.Message);
            Assert.True(dense.detach().eq(twin.detach()).all().item<bool>(), name + " stepped the dense parameter before rejecting the sparse gradient");

            weight.grad = null;
            twin.grad = gradient.clone();
            optimizer.step();
            fresh.step();
            Assert.True(dense.detach().eq(twin.detach()).all().item<bool>(), name + " counted a step for the rejected one");
        }
    }
}
