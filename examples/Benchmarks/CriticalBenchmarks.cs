#if CRITICAL_CATALOG
using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Benchmarks
{
    /// <summary>
    /// Cost of a critical buffer: the generated <c>Adam</c> (baseline) against the catalog's exact reproductions
    /// <c>Adam_C</c> (CGOptimizer <c>optim.py</c>, heap buffer of gradients, topC 5 and 20) and <c>Adam_CM</c>
    /// (CMOptimizer, slot buffer of momenta, topC 5, float32 and bfloat16 buffers). The gradients never change, so after
    /// the first topC steps every step admits its gradient or momentum and evicts one entry: the steady state measured here
    /// is the busiest one. Compiled only with <c>-p:CriticalCatalog=true</c>.
    /// </summary>
    public class CriticalStep
    {
        private SyntheticModel? _model;
        private optim.Optimizer? _optimizer;

        [ParamsSource(nameof(Sizes))]
        public string Size { get; set; } = ModelShape.Small;

        public static IEnumerable<string> Sizes => BenchmarkSizes.Values;

        [GlobalSetup(Target = nameof(Adam))]
        public void SetupAdam() => Setup(p => new global::OptimDsl.Optimizers.Adam(p, lr: 1e-3));

        [GlobalSetup(Target = nameof(Adam_C_top5))]
        public void SetupAdamC5() => Setup(p => new global::OptimDsl.Optimizers.Adam_C(p, lr: 1e-3, topC: 5));

        [GlobalSetup(Target = nameof(Adam_C_top5_recompute))]
        public void SetupAdamC5Recompute() => Setup(p => new AdamCRecomputingSum(p, lr: 1e-3, topC: 5));

        [GlobalSetup(Target = nameof(Adam_C_top20))]
        public void SetupAdamC20() => Setup(p => new global::OptimDsl.Optimizers.Adam_C(p, lr: 1e-3, topC: 20));

        [GlobalSetup(Target = nameof(Adam_CM_top5))]
        public void SetupAdamCM() => Setup(p => new global::OptimDsl.Optimizers.Adam_CM(p, lr: 1e-3, topC: 5));

        [GlobalSetup(Target = nameof(Adam_CM_top5_bf16))]
        public void SetupAdamCMbf16() => Setup(p => new global::OptimDsl.Optimizers.Adam_CM(p, lr: 1e-3, topC: 5, buffer_dtype: ScalarType.BFloat16));

        [Benchmark(Baseline = true)]
        public void Adam() => _optimizer!.step();

        [Benchmark]
        public void Adam_C_top5() => _optimizer!.step();

        [Benchmark]
        public void Adam_C_top5_recompute() => _optimizer!.step();

        [Benchmark]
        public void Adam_C_top20() => _optimizer!.step();

        [Benchmark]
        public void Adam_CM_top5() => _optimizer!.step();

        [Benchmark]
        public void Adam_CM_top5_bf16() => _optimizer!.step();

        [GlobalCleanup]
        public void Cleanup()
        {
            _optimizer?.Dispose();
            _model?.Dispose();
            _optimizer = null;
            _model = null;
        }

        private void Setup(Func<IEnumerable<Parameter>, optim.Optimizer> create)
        {
            BenchmarkEnvironment.Apply();
            _model = SyntheticModel.Create(Size);
            _optimizer = create(_model.Parameters);
        }
    }
}
#endif
