using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Benchmarks
{
    /// <summary>
    /// Memory-light second moments: the generated <c>Adam</c> (baseline, 2 × numel of state) against the catalog's
    /// <c>SM3</c> (Σ dims per tensor) and <c>Adafactor</c> (row and column factors; relative step, no first moment).
    /// </summary>
    public class FactoredStep
    {
        private SyntheticModel? _model;
        private optim.Optimizer? _optimizer;

        [ParamsSource(nameof(Sizes))]
        public string Size { get; set; } = ModelShape.Small;

        public static IEnumerable<string> Sizes => BenchmarkSizes.Values;

        [GlobalSetup(Target = nameof(Adam))]
        public void SetupAdam() => Setup(p => new global::OptimDsl.Optimizers.Adam(p, lr: 1e-3));

        [GlobalSetup(Target = nameof(SM3))]
        public void SetupSm3() => Setup(p => new global::OptimDsl.Optimizers.SM3(p, lr: 0.1));

        [GlobalSetup(Target = nameof(SM3_momentum))]
        public void SetupSm3Momentum() => Setup(p => new global::OptimDsl.Optimizers.SM3(p, lr: 0.1, momentum: 0.9));

        [GlobalSetup(Target = nameof(Adafactor))]
        public void SetupAdafactor() => Setup(p => new global::OptimDsl.Optimizers.Adafactor(p));

        [Benchmark(Baseline = true)]
        public void Adam() => _optimizer!.step();

        [Benchmark]
        public void SM3() => _optimizer!.step();

        [Benchmark]
        public void SM3_momentum() => _optimizer!.step();

        [Benchmark]
        public void Adafactor() => _optimizer!.step();

        [GlobalCleanup]
        public void Cleanup()
        {
            _optimizer?.Dispose();
            _model?.Dispose();
        }

        private void Setup(Func<IEnumerable<Parameter>, optim.Optimizer> create)
        {
            BenchmarkEnvironment.Apply();
            _model = SyntheticModel.Create(Size);
            _optimizer = create(_model.Parameters);
        }
    }
}
