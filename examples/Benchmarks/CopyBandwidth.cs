using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Benchmarks
{
    /// <summary>
    /// <c>dst.copy_(src)</c> on float32 tensors with as many elements as the models have parameters: reads and writes
    /// 2 × 4 × numel bytes. The memory-bandwidth reference for the step times (see <c>--bound</c> for the full table).
    /// </summary>
    public class CopyBandwidth
    {
        private Tensor? _src;
        private Tensor? _dst;

        [ParamsSource(nameof(Sizes))]
        public string Size { get; set; } = ModelShape.Small;

        public static IEnumerable<string> Sizes => BenchmarkSizes.Values;

        [GlobalSetup]
        public void Setup()
        {
            BenchmarkEnvironment.Apply();
            long numel = ModelShape.Get(Size).Numel;
            _src = torch.rand(numel);
            _dst = torch.empty(numel);
            _dst.copy_(_src);
        }

        [Benchmark]
        public void Copy() => _dst!.copy_(_src!);

        [GlobalCleanup]
        public void Cleanup()
        {
            _src?.Dispose();
            _dst?.Dispose();
        }
    }
}
