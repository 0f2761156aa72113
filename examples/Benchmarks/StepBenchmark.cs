using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Benchmarks
{
    /// <summary>Which model sizes the benchmarks run: 1M and 10M, or the tiny one in <c>--quick</c> mode (in-process only).</summary>
    public static class BenchmarkSizes
    {
        /// <summary>Set by <c>--quick</c> before BenchmarkDotNet runs in-process.</summary>
        public static bool Quick { get; set; }

        public static IEnumerable<string> Values => Quick ? new[] { ModelShape.Tiny } : new[] { ModelShape.Small, ModelShape.Large };
    }

    /// <summary>
    /// Base of the step benchmarks: two identical synthetic models (same seed), one stepped by TorchSharp's built-in
    /// optimizer (the baseline) and one by the OptimDsl-generated optimizer with the same hyper-parameters. Gradients are
    /// filled once; every invocation is one <c>step()</c>.
    /// </summary>
    public abstract class StepBenchmark
    {
        private SyntheticModel? _builtInModel;
        private SyntheticModel? _generatedModel;
        private optim.Optimizer? _builtIn;
        private optim.Optimizer? _generated;

        /// <summary>Model size: 1M (13 tensors) or 10M (37 tensors) float32 parameters.</summary>
        [ParamsSource(nameof(Sizes))]
        public string Size { get; set; } = ModelShape.Small;

        public static IEnumerable<string> Sizes => BenchmarkSizes.Values;

        protected abstract optim.Optimizer CreateBuiltIn(IEnumerable<Parameter> parameters);

        protected abstract optim.Optimizer CreateGenerated(IEnumerable<Parameter> parameters);

        [GlobalSetup]
        public void Setup()
        {
            BenchmarkEnvironment.Apply();
            _builtInModel = SyntheticModel.Create(Size);
            _generatedModel = SyntheticModel.Create(Size);
            _builtIn = CreateBuiltIn(_builtInModel.Parameters);
            _generated = CreateGenerated(_generatedModel.Parameters);
        }

        /// <summary>TorchSharp's built-in optimizer (<c>torch.optim.*</c>, managed C# step code).</summary>
        [Benchmark(Baseline = true)]
        public void TorchSharpBuiltIn() => _builtIn!.step();

        /// <summary>The OptimDsl-generated optimizer of the catalog.</summary>
        [Benchmark]
        public void OptimDslGenerated() => _generated!.step();

        [GlobalCleanup]
        public void Cleanup()
        {
            _builtIn?.Dispose();
            _generated?.Dispose();
            _builtInModel?.Dispose();
            _generatedModel?.Dispose();
        }
    }
}
