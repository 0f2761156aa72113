using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Benchmarks
{
    /// <summary>
    /// The parameter shapes of a small transformer-like network: a token embedding [vocab, d] and <c>blocks</c> blocks of
    /// (attention qkv [3d, d] + bias, output projection [d, d] + bias, two layer-norm weight/bias pairs [d], MLP
    /// [4d, d] + bias and [d, 4d] + bias). Many tensors of different sizes, as in a real model, because the per-tensor
    /// cost of a step (one native call per operation) matters as much as the per-element cost.
    /// </summary>
    public sealed class ModelShape
    {
        private ModelShape(string name, int vocab, int width, int blocks)
        {
            Name = name;
            Vocab = vocab;
            Width = width;
            Blocks = blocks;
            var shapes = new List<long[]> { new long[] { vocab, width } };
            for (int b = 0; b < blocks; b++)
            {
                long d = width;
                shapes.Add(new[] { 3 * d, d });
                shapes.Add(new[] { 3 * d });
                shapes.Add(new[] { d, d });
                shapes.Add(new[] { d });
                shapes.Add(new[] { d });
                shapes.Add(new[] { d });
                shapes.Add(new[] { 4 * d, d });
                shapes.Add(new[] { 4 * d });
                shapes.Add(new[] { d, 4 * d });
                shapes.Add(new[] { d });
                shapes.Add(new[] { d });
                shapes.Add(new[] { d });
            }

            Shapes = shapes;
            Numel = shapes.Sum(s => s.Aggregate(1L, (a, x) => a * x));
        }

        /// <summary>The size names the benchmarks take as their <c>Size</c> parameter.</summary>
        public const string Small = "1M";

        /// <summary>The larger model.</summary>
        public const string Large = "10M";

        /// <summary>A tiny model for the <c>--quick</c> smoke run.</summary>
        public const string Tiny = "100K";

        public string Name { get; }

        public int Vocab { get; }

        public int Width { get; }

        public int Blocks { get; }

        public IReadOnlyList<long[]> Shapes { get; }

        public long Numel { get; }

        public int TensorCount => Shapes.Count;

        /// <summary>1M: d = 256, 1 block, vocab 1000 (13 tensors, 1,045,760 elements); 10M: d = 512, 3 blocks, vocab 1000 (37 tensors, 9,969,152 elements).</summary>
        public static ModelShape Get(string size) => size switch
        {
            Tiny => new ModelShape(Tiny, vocab: 1000, width: 64, blocks: 1),
            Small => new ModelShape(Small, vocab: 1000, width: 256, blocks: 1),
            Large => new ModelShape(Large, vocab: 1000, width: 512, blocks: 3),
            _ => throw new ArgumentException($"Unknown model size '{size}' (use {Tiny}, {Small} or {Large}).", nameof(size)),
        };

        public string Describe() =>
            string.Create(CultureInfo.InvariantCulture, $"{Name}: {Numel:N0} parameters in {TensorCount} tensors (embedding {Vocab}x{Width}, {Blocks} block(s) of width {Width})");
    }

    /// <summary>
    /// Parameters of a <see cref="ModelShape"/> with gradients filled once with random values; the benchmarks then call
    /// <c>step()</c> repeatedly on the same gradients (the step's cost does not depend on their values).
    /// </summary>
    public sealed class SyntheticModel : IDisposable
    {
        private SyntheticModel(ModelShape shape, List<Parameter> parameters)
        {
            Shape = shape;
            Parameters = parameters;
        }

        public ModelShape Shape { get; }

        public IReadOnlyList<Parameter> Parameters { get; }

        /// <summary>Creates the parameters (N(0, 0.02²)) and their gradients (N(0, 1)), both from <paramref name="seed"/>.</summary>
        public static SyntheticModel Create(string size, long seed = 1, ScalarType dtype = ScalarType.Float32)
        {
            var shape = ModelShape.Get(size);
            var generator = new Generator((ulong)seed);
            var parameters = new List<Parameter>();
            using (var scope = torch.NewDisposeScope())
            {
                foreach (long[] s in shape.Shapes)
                {
                    using Scalar initScale = 0.02;
                    Tensor data = torch.randn(s, dtype: dtype, generator: generator).mul_(initScale);
                    var parameter = new Parameter(data, requires_grad: true);
                    parameter.MoveToOuterDisposeScope();
                    parameters.Add(parameter);
                }

                // Fill every .grad with N(0, 1) values through autograd: d/dp sum(p * g) = g.
                Tensor objective = torch.zeros(Array.Empty<long>(), dtype: dtype);
                foreach (Parameter p in parameters)
                {
                    Tensor g = torch.randn(p.shape, dtype: dtype, generator: generator);
                    objective = objective.add(p.mul(g).sum(), OptimDsl.Runtime.Scalars.One);
                }

                objective.backward();
            }

            generator.Dispose();
            return new SyntheticModel(shape, parameters);
        }

        /// <summary>Largest absolute difference between corresponding parameters of two models.</summary>
        public double MaxAbsDifference(SyntheticModel other)
        {
            double max = 0;
            using var scope = torch.NewDisposeScope();
            for (int i = 0; i < Parameters.Count; i++)
            {
                max = Math.Max(max, Parameters[i].sub(other.Parameters[i]).abs().max().item<float>());
            }

            return max;
        }

        public void Dispose()
        {
            foreach (Parameter p in Parameters)
            {
                p.grad?.Dispose();
                p.Dispose();
            }
        }
    }
}
