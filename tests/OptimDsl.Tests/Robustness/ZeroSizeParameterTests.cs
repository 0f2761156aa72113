using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using OptimDsl.Tests.Fused;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Robustness
{
    /// <summary>
    /// Parameters without elements — <c>[0]</c>, <c>[0, 3]</c>, <c>[3, 0]</c>, <c>[2, 0, 4]</c> — in the same group as an
    /// ordinary one, in every catalog optimizer (hence every block: moments, SM3's cover sets, Adafactor's factors, both
    /// critical buffer structures and sources), on both paths: the steps run, the ordinary parameter moves exactly as it does
    /// alone (an empty gradient adds nothing to a synced priority), the empty parameters keep their (empty) values, and a
    /// checkpoint of the whole state loads and continues bit for bit.
    /// </summary>
    public sealed class ZeroSizeParameterTests
    {
        private const int Steps = 12;

        private static readonly long[][] EmptyShapes = { new long[] { 0 }, new long[] { 0, 3 }, new long[] { 3, 0 }, new long[] { 2, 0, 4 } };

        public static IEnumerable<object[]> Cases() =>
            from name in CatalogOptimizers.All.Select(t => t.Name)
            from fused in new[] { true, false }
            select new object[] { name, fused };

        [Theory]
        [MemberData(nameof(Cases))]
        public void ZeroSizeParameters_Step_WithoutChangingTheirSiblings(string optimizer, bool fused)
        {
            using var scope = NewDisposeScope();
            System.Type type = CatalogOptimizers.Named(optimizer);
            Parameter[] mixed = EmptyShapes.Select(s => new Parameter(zeros(s))).Append(new Parameter(Initial())).ToArray();
            var alone = new Parameter(Initial());
            using OptimizerHelper withEmpty = CatalogOptimizers.Create(type, mixed, fused);
            using OptimizerHelper single = CatalogOptimizers.Create(type, new[] { alone }, fused);
            for (int t = 0; t < Steps; t++)
            {
                foreach (Parameter p in mixed.Take(EmptyShapes.Length))
                {
                    p.grad = zeros(p.shape);
                }

                mixed[^1].grad = Gradient(t);
                alone.grad = Gradient(t);
                withEmpty.step();
                single.step();
                Assert.True(FusedDispatchTests.BitEqual(alone, mixed[^1]), $"{optimizer} (fused: {fused}), step {t + 1}: the empty parameters changed their sibling's update");
            }

            for (int i = 0; i < EmptyShapes.Length; i++)
            {
                Assert.Equal(EmptyShapes[i], mixed[i].shape);
            }

            // The whole state, empty tensors and all, round-trips through a checkpoint and continues identically.
            Parameter[] copy = mixed.Select(p => new Parameter(p.detach().clone())).ToArray();
            using OptimizerHelper restored = CatalogOptimizers.Create(type, copy, fused);
            restored.load_state_dict(Reader(withEmpty));
            for (int i = 0; i < mixed.Length; i++)
            {
                copy[i].grad = i < EmptyShapes.Length ? zeros(copy[i].shape) : Gradient(Steps);
                mixed[i].grad = i < EmptyShapes.Length ? zeros(mixed[i].shape) : Gradient(Steps);
            }

            withEmpty.step();
            restored.step();
            Assert.True(FusedDispatchTests.BitEqual(mixed[^1], copy[^1]), $"{optimizer} (fused: {fused}): the restored optimizer continues differently");
        }

        private static Tensor Initial() => randn(new long[] { 2, 3 }, generator: new Generator(5));

        private static Tensor Gradient(int step) => randn(new long[] { 2, 3 }, generator: new Generator((ulong)(100 + step)));

        private static BinaryReader Reader(OptimizerHelper optimizer)
        {
            var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                optimizer.save_state_dict(writer);
            }

            stream.Position = 0;
            return new BinaryReader(stream, Encoding.UTF8);
        }
    }
}
