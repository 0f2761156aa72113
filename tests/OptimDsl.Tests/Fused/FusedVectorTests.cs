using System;
using System.Numerics;
using System.Runtime.InteropServices;
using OptimDsl.Runtime;
using Xunit;

namespace OptimDsl.Tests.Fused
{
    /// <summary>
    /// The fused kernels' element helpers: a partial last vector is read padded with zeros and written without touching
    /// the memory after it; masks, column sums and lane reductions count only the valid lanes; minimum and maximum
    /// propagate NaN like <c>torch.minimum</c>/<c>torch.maximum</c>.
    /// </summary>
    public sealed class FusedVectorTests
    {
        private const float Guard = -7777f;

        public static TheoryData<int> PartialLanes()
        {
            var lanes = new TheoryData<int>();
            for (int valid = 1; valid < Vector<float>.Count; valid++)
            {
                lanes.Add(valid);
            }

            return lanes;
        }

        [Theory]
        [MemberData(nameof(PartialLanes))]
        public void LoadTail_PadsWithZeros_AndStoreTail_WritesOnlyTheValidLanes(int valid)
        {
            // Elements 0..2 precede the partial vector; then `valid` elements; then guards that must stay untouched.
            const int index = 3;
            float[] memory = new float[index + valid + Vector<float>.Count];
            for (int k = 0; k < memory.Length; k++)
            {
                memory[k] = k < index + valid ? k + 1 : Guard;
            }

            float[] scratch = new float[Vector<float>.Count];
            GCHandle pin = GCHandle.Alloc(memory, GCHandleType.Pinned);
            try
            {
                nint address = pin.AddrOfPinnedObject();
                Vector<float> loaded = FusedVector.LoadTail<float>(address, index, index + valid, scratch);
                for (int lane = 0; lane < Vector<float>.Count; lane++)
                {
                    Assert.Equal(lane < valid ? index + lane + 1 : 0f, loaded[lane]);
                }

                FusedVector.StoreTail(address, index, index + valid, loaded * new Vector<float>(2f), scratch);
            }
            finally
            {
                pin.Free();
            }

            for (int k = 0; k < memory.Length; k++)
            {
                float expected = k < index ? k + 1 : k < index + valid ? 2 * (k + 1) : Guard;
                Assert.Equal(expected, memory[k]);
            }
        }

        [Theory]
        [MemberData(nameof(PartialLanes))]
        public void SpanTails_MatchTheAddressTails(int valid)
        {
            float[] memory = new float[2 + valid];
            for (int k = 0; k < memory.Length; k++)
            {
                memory[k] = k + 1;
            }

            float[] scratch = new float[Vector<float>.Count];
            Vector<float> loaded = FusedVector.LoadTail<float>(memory.AsSpan(), 2, scratch);
            for (int lane = 0; lane < Vector<float>.Count; lane++)
            {
                Assert.Equal(lane < valid ? lane + 3 : 0f, loaded[lane]);
            }

            FusedVector.StoreTail<float>(memory.AsSpan(), 2, new Vector<float>(-1f), scratch);
            Assert.Equal(new float[] { 1, 2 }, memory[..2]);
            Assert.All(memory[2..], x => Assert.Equal(-1f, x));
        }

        [Theory]
        [MemberData(nameof(PartialLanes))]
        public void Masked_KeepsTheValidLanes_AndFillsTheRest(int valid)
        {
            float[] scratch = new float[Vector<float>.Count];
            Vector<float> masked = FusedVector.Masked(new Vector<float>(3f), valid, float.NegativeInfinity, scratch);
            for (int lane = 0; lane < Vector<float>.Count; lane++)
            {
                Assert.Equal(lane < valid ? 3f : float.NegativeInfinity, masked[lane]);
            }
        }

        [Theory]
        [MemberData(nameof(PartialLanes))]
        public void AddTo_WidensFloatLanes_WholeOrPartial(int valid)
        {
            float[] lanes = new float[Vector<float>.Count];
            for (int k = 0; k < lanes.Length; k++)
            {
                lanes[k] = 0.1f * (k + 1);
            }

            var x = new Vector<float>(lanes);
            double[] whole = new double[1 + lanes.Length];
            FusedVector.AddTo<float>(whole, 1, x);
            FusedVector.AddTo<float>(whole, 1, x);
            double[] partial = new double[1 + lanes.Length];
            FusedVector.AddTo<float>(partial, 1, x, valid, new float[Vector<float>.Count]);
            Assert.Equal(0, whole[0]);
            Assert.Equal(0, partial[0]);
            for (int k = 0; k < lanes.Length; k++)
            {
                // Each float is widened before it is added: the sum is exact in double.
                Assert.Equal(2 * (double)lanes[k], whole[1 + k]);
                Assert.Equal(k < valid ? (double)lanes[k] : 0, partial[1 + k]);
            }
        }

        [Fact]
        public void Accumulate_AndTotal_SumEveryLaneInDouble()
        {
            var x = new Vector<float>(16777216f);
            Vector<double> sum = FusedVector.Accumulate(default(Vector<double>), x);
            sum = FusedVector.Accumulate(sum, Vector<float>.One);

            // 2^24 + 1 is not a float; in double every lane's 2^24 + 1 is kept.
            Assert.Equal(Vector<float>.Count * 16777217.0, FusedVector.Total(sum));
        }

        [Theory]
        [InlineData(float.PositiveInfinity)]
        [InlineData(float.NegativeInfinity)]
        [InlineData(float.NaN)]
        public void FlagNonFinite_StaysZeroOverFiniteValues_AndKeepsANonFiniteOne(float bad)
        {
            var flags = Vector<float>.Zero;
            foreach (float finite in new[] { 0f, -0f, 1f, -3.5f, float.MaxValue, -float.MaxValue, float.Epsilon, -float.Epsilon })
            {
                flags = FusedVector.FlagNonFinite(flags, new Vector<float>(finite));
            }

            Assert.True(FusedVector.AllZero(flags));
            float[] lanes = new float[Vector<float>.Count];
            lanes[lanes.Length - 1] = bad;
            flags = FusedVector.FlagNonFinite(flags, new Vector<float>(lanes));
            flags = FusedVector.FlagNonFinite(flags, Vector<float>.One);
            Assert.False(FusedVector.AllZero(flags));
        }

        [Fact]
        public void MinimumAndMaximum_PropagateNaN_FromEitherSide()
        {
            var nan = new Vector<float>(float.NaN);
            var one = Vector<float>.One;
            Assert.True(float.IsNaN(FusedVector.Maximum(nan, one)[0]));
            Assert.True(float.IsNaN(FusedVector.Maximum(one, nan)[0]));
            Assert.True(float.IsNaN(FusedVector.Minimum(nan, one)[0]));
            Assert.True(float.IsNaN(FusedVector.Minimum(one, nan)[0]));
            Assert.True(float.IsNaN(FusedVector.Maximum(float.NaN, 1f)));
            Assert.True(float.IsNaN(FusedVector.Minimum(1f, float.NaN)));
            Assert.Equal(2f, FusedVector.Maximum(new Vector<float>(2f), one)[0]);
            Assert.Equal(1f, FusedVector.Minimum(new Vector<float>(2f), one)[0]);
        }

        [Fact]
        public void MaxLane_IsTheLargestLane_OrNaN()
        {
            float[] lanes = new float[Vector<float>.Count];
            for (int k = 0; k < lanes.Length; k++)
            {
                lanes[k] = k == lanes.Length / 2 ? 5f : -k;
            }

            Assert.Equal(5f, FusedVector.MaxLane(new Vector<float>(lanes)));
            lanes[lanes.Length - 1] = float.NaN;
            Assert.True(float.IsNaN(FusedVector.MaxLane(new Vector<float>(lanes))));
        }
    }
}
