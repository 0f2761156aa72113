using System.Linq;
using OptimDsl.Runtime;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Critical
{
    /// <summary>The host priorities (one read per group, sums on the host) agree bit for bit with the device priorities.</summary>
    public class CriticalPriorityTests
    {
        private static Tensor?[] Grads(ScalarType first, ScalarType rest, int seed)
        {
            var gen = new torch.Generator((ulong)seed);
            // Magnitudes over several decades, so that the order of the float additions matters.
            using Scalar large = 1e3, small = 1e-2, medium = 3.7;
            return new Tensor?[]
            {
                randn(new long[] { 7, 3 }, generator: gen).mul(large).to(first),
                null,
                randn(5, generator: gen).mul(small).to(rest),
                randn(new long[] { 2, 2, 2 }, generator: gen).to(rest),
                randn(11, generator: gen).mul(medium).to(rest),
            };
        }

        [Theory]
        [InlineData(ScalarType.Float32, ScalarType.Float32, true)]
        [InlineData(ScalarType.Float32, ScalarType.Float32, false)]
        [InlineData(ScalarType.Float64, ScalarType.Float64, true)]
        [InlineData(ScalarType.Float64, ScalarType.Float64, false)]
        [InlineData(ScalarType.BFloat16, ScalarType.BFloat16, true)]   // reduced precision: summed on the device
        [InlineData(ScalarType.Float64, ScalarType.Float32, true)]     // mixed dtypes: the reference's type promotion
        [InlineData(ScalarType.Float64, ScalarType.Float32, false)]
        public void OnHost_EqualsOnDevice_BitForBit(ScalarType first, ScalarType rest, bool synced)
        {
            for (int seed = 0; seed < 20; seed++)
            {
                using var scope = NewDisposeScope();
                var grads = Grads(first, rest, seed);
                double[] host = CriticalPriority.OnHost(grads, synced);
                Tensor?[] device = CriticalPriority.OnDevice(grads, synced);
                Assert.Equal(grads.Length, host.Length);
                for (int i = 0; i < grads.Length; i++)
                {
                    if (grads[i] is null)
                    {
                        Assert.True(double.IsNaN(host[i]));
                        Assert.Null(device[i]);
                        continue;
                    }

                    double expected = device[i]!.to(ScalarType.Float64).item<double>();
                    Assert.True(expected.Equals(host[i]), $"seed {seed}, parameter {i}: device {expected:R}, host {host[i]:R}");
                }

                if (synced)
                {
                    Assert.Single(host.Where(h => !double.IsNaN(h)).Distinct());
                }
            }
        }
    }
}
