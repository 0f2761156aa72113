using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Tests.CriticalCatalog
{
    /// <summary>Small float64 training loops with injected gradients, shared by the catalog tests.</summary>
    internal static class CatalogHarness
    {
        public static Parameter[] Parameters(params double[][] values) =>
            values.Select(v => new Parameter(tensor(v, dtype: ScalarType.Float64))).ToArray();

        public static Parameter[] RandomParameters(int seed, params long[][] shapes)
        {
            var generator = new Generator((ulong)seed);
            return shapes.Select(s => new Parameter(randn(s, dtype: ScalarType.Float64, generator: generator))).ToArray();
        }

        /// <summary>Sets each parameter's gradient to the given values (by back-propagating sum(p * G)) and steps.</summary>
        public static void Step(optim.Optimizer optimizer, Parameter[] parameters, IReadOnlyList<Tensor> gradients)
        {
            optimizer.zero_grad();
            Tensor loss = parameters.Select((p, i) => (p * gradients[i]).sum()).Aggregate((a, b) => a.add(b, OptimDsl.Runtime.Scalars.One));
            loss.backward();
            optimizer.step();
        }

        /// <summary>A deterministic gradient sequence with occasional spikes, so buffers admit and evict.</summary>
        public static List<Tensor[]> Gradients(int seed, int steps, Parameter[] like)
        {
            var generator = new Generator((ulong)seed + 1000);
            var random = new Random(seed);
            var result = new List<Tensor[]>();
            for (int t = 0; t < steps; t++)
            {
                double scale = random.NextDouble() < 0.15 ? 20 : 1;
                using Scalar scaleScalar = scale;
                result.Add(like.Select(p => randn(p.shape, dtype: ScalarType.Float64, generator: generator).mul(scaleScalar)).ToArray());
            }

            return result;
        }

        /// <summary>Bit-for-bit equality of two tensors (shape and every element).</summary>
        public static bool BitEqual(Tensor a, Tensor b) =>
            a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();

        public static double[][] Values(Parameter[] parameters) =>
            parameters.Select(p => p.detach().cpu().data<double>().ToArray()).ToArray();

        public static Parameter[] Clone(Parameter[] parameters) =>
            parameters.Select(p => new Parameter(p.detach().clone())).ToArray();

        public static byte[] Save(OptimizerHelper optimizer)
        {
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                optimizer.save_state_dict(writer);
            }

            return stream.ToArray();
        }

        public static void Load(OptimizerHelper optimizer, byte[] checkpoint)
        {
            using var reader = new BinaryReader(new MemoryStream(checkpoint));
            optimizer.load_state_dict(reader);
        }
    }
}
