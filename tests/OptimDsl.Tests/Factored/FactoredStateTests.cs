using System;
using System.IO;
using System.Linq;
using OptimDsl.Runtime;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Factored
{
    /// <summary>Shapes, memory, persistence and lifetime of <see cref="Sm3Accumulators"/> and <see cref="FactoredSecondMoment"/>.</summary>
    public class FactoredStateTests
    {
        // ---------------- shapes and memory ----------------

        [Fact]
        public void Sm3_AccumulatorShapes()
        {
            using var scope = NewDisposeScope();
            using var r3 = new Sm3Accumulators(zeros(2, 3, 4));
            Assert.Equal(3, r3.Accumulators.Count);
            Assert.Equal(new long[] { 2, 1, 1 }, r3.Accumulators[0].shape);
            Assert.Equal(new long[] { 1, 3, 1 }, r3.Accumulators[1].shape);
            Assert.Equal(new long[] { 1, 1, 4 }, r3.Accumulators[2].shape);

            using var r1 = new Sm3Accumulators(zeros(5));
            Assert.Equal(new long[] { 5 }, Assert.Single(r1.Accumulators).shape);

            using var r0 = new Sm3Accumulators(tensor(1.5f));
            Assert.Empty(Assert.Single(r0.Accumulators).shape);

            using var f64 = new Sm3Accumulators(zeros(new long[] { 3, 2 }, dtype: ScalarType.Float64));
            Assert.All(f64.Accumulators, a => Assert.Equal(ScalarType.Float64, a.dtype));
            Assert.All(f64.Accumulators, a => Assert.Equal(0.0, a.abs().sum().item<double>()));
        }

        [Theory]
        [InlineData(7, 13)]
        [InlineData(1, 1)]
        [InlineData(512, 1024)]
        public void StateBytes_Matrix_IsMPlusNFloats(long m, long n)
        {
            using var scope = NewDisposeScope();
            Tensor p = zeros(m, n, dtype: ScalarType.Float32);
            using var sm3 = new Sm3Accumulators(p);
            using var fac = new FactoredSecondMoment(p);
            Assert.Equal((m + n) * 4, sm3.StateBytes);
            Assert.Equal((m + n) * 4, fac.StateBytes);
            Assert.True(fac.IsFactored);
            Assert.Equal(new long[] { m }, fac.Row!.shape);
            Assert.Equal(new long[] { n }, fac.Col!.shape);
            Assert.Null(fac.Full);

            using var sm3d = new Sm3Accumulators(zeros(m, n, dtype: ScalarType.Float64));
            Assert.Equal((m + n) * 8, sm3d.StateBytes);
        }

        [Fact]
        public void StateBytes_Rank3()
        {
            using var scope = NewDisposeScope();
            Tensor p = zeros(new long[] { 4, 5, 6 }, dtype: ScalarType.Float32);
            using var sm3 = new Sm3Accumulators(p);
            Assert.Equal((4 + 5 + 6) * 4, sm3.StateBytes);

            // Adafactor batches the leading dims: R = [4,5], C = [4,6].
            using var fac = new FactoredSecondMoment(p);
            Assert.Equal(new long[] { 4, 5 }, fac.Row!.shape);
            Assert.Equal(new long[] { 4, 6 }, fac.Col!.shape);
            Assert.Equal((4 * 5 + 4 * 6) * 4, fac.StateBytes);
        }

        [Fact]
        public void StateBytes_Rank1AndScalar_AreFull()
        {
            using var scope = NewDisposeScope();
            using var sm3 = new Sm3Accumulators(zeros(9));
            using var fac = new FactoredSecondMoment(zeros(9));
            Assert.Equal(9 * 4, sm3.StateBytes);
            Assert.Equal(9 * 4, fac.StateBytes);
            Assert.False(fac.IsFactored);
            Assert.Null(fac.Row);
            Assert.Null(fac.Col);
            Assert.Equal(new long[] { 9 }, fac.Full!.shape);

            using var sm30 = new Sm3Accumulators(tensor(2.0f));
            using var fac0 = new FactoredSecondMoment(tensor(2.0f));
            Assert.Equal(4, sm30.StateBytes);
            Assert.Equal(4, fac0.StateBytes);
        }

        [Fact]
        public void ScalarParameters_Update()
        {
            using var scope = NewDisposeScope();
            Tensor p = tensor(2.0, dtype: ScalarType.Float64);
            using var sm3 = new Sm3Accumulators(p);
            Tensor nu = sm3.Update(tensor(3.0, dtype: ScalarType.Float64), 0.0);
            Assert.Empty(nu.shape);
            Assert.Equal(9.0, nu.item<double>());
            Assert.Equal(9.0, sm3.Accumulators[0].item<double>());
            using Scalar one = 1.0;
            nu.add_(one, Scalars.One); // the result is a new tensor, never the accumulator itself
            Assert.Equal(9.0, sm3.Accumulators[0].item<double>());

            using var fac = new FactoredSecondMoment(p);
            Tensor u = fac.Precondition(tensor(3.0, dtype: ScalarType.Float64), 0.0, 1e-30);
            Assert.Empty(u.shape);
            Assert.Equal(1.0, u.item<double>(), 15);
        }

        // ---------------- sparse gradients ----------------

        [Fact]
        public void SparseGradients_AreRejected()
        {
            using var scope = NewDisposeScope();
            Tensor p = zeros(3, 4, dtype: ScalarType.Float64);
            Tensor sparse = eye(3, 4, dtype: ScalarType.Float64).to_sparse();
            Assert.True(sparse.is_sparse);
            using var sm3 = new Sm3Accumulators(p);
            using var fac = new FactoredSecondMoment(p);
            Assert.Contains("sparse gradients", Assert.Throws<NotSupportedException>(() => sm3.Update(sparse, 0.0)).Message);
            Assert.Contains("sparse gradients", Assert.Throws<NotSupportedException>(() => fac.Precondition(sparse, 0.0, 1e-30)).Message);
            Assert.Equal(0.0, sm3.Accumulators.Sum(a => a.abs().sum().item<double>()));
        }

        [Fact]
        public void WrongShapeOrBeta_Throws()
        {
            using var scope = NewDisposeScope();
            using var sm3 = new Sm3Accumulators(zeros(3, 4));
            using var fac = new FactoredSecondMoment(zeros(3, 4));
            Assert.Throws<ArgumentException>(() => sm3.Update(zeros(4, 3), 0.0));
            Assert.Throws<ArgumentException>(() => fac.Precondition(zeros(12), 0.0, 1e-30));
            Assert.Throws<ArgumentOutOfRangeException>(() => sm3.Update(zeros(3, 4), -0.1));
            Assert.Throws<ArgumentOutOfRangeException>(() => sm3.Update(zeros(3, 4), double.NaN));
        }

        // ---------------- lifetime ----------------

        [Fact]
        public void State_SurvivesTheDisposeScope_TemporariesDoNot()
        {
            Sm3Accumulators sm3;
            FactoredSecondMoment fac, facFull;
            Tensor nu, pre;
            using (var outer = NewDisposeScope())
            {
                Tensor p = randn(3, 4, dtype: ScalarType.Float64);
                sm3 = new Sm3Accumulators(p);
                fac = new FactoredSecondMoment(p);
                facFull = new FactoredSecondMoment(randn(4));
                using (NewDisposeScope())
                {
                    nu = sm3.Update(randn(3, 4, dtype: ScalarType.Float64), 0.0);
                    pre = fac.Precondition(randn(3, 4, dtype: ScalarType.Float64), 0.0, 1e-30);
                    facFull.Precondition(randn(4), 0.0, 1e-30);
                }

                Assert.True(nu.IsInvalid);
                Assert.True(pre.IsInvalid);
            }

            Assert.All(sm3.Accumulators, a => Assert.False(a.IsInvalid));
            Assert.False(fac.Row!.IsInvalid);
            Assert.False(fac.Col!.IsInvalid);
            Assert.False(facFull.Full!.IsInvalid);
            Assert.True(sm3.Accumulators[0].abs().sum().item<double>() > 0);

            var accs = sm3.Accumulators.ToArray();
            sm3.Dispose();
            sm3.Dispose(); // idempotent
            Assert.All(accs, a => Assert.True(a.IsInvalid));
            Assert.Throws<ObjectDisposedException>(() => sm3.Update(zeros(3, 4), 0.0));
            Tensor row = fac.Row!;
            fac.Dispose();
            fac.Dispose();
            Assert.True(row.IsInvalid);
            facFull.Dispose();
        }

        [Fact]
        public void State_HasNoAutogradHistory()
        {
            using var scope = NewDisposeScope();
            Tensor p = randn(new long[] { 3, 4 }, dtype: ScalarType.Float64, requires_grad: true);
            using var sm3 = new Sm3Accumulators(p);
            using var fac = new FactoredSecondMoment(p);
            Assert.All(sm3.Accumulators, a => Assert.False(a.requires_grad));
            Assert.False(fac.Row!.requires_grad);
            sm3.Update(randn(3, 4, dtype: ScalarType.Float64), 0.5);
            fac.Precondition(randn(3, 4, dtype: ScalarType.Float64), 0.3, 1e-30);
            Assert.All(sm3.Accumulators, a => Assert.False(a.requires_grad));
            Assert.False(fac.Col!.requires_grad);
        }

        // ---------------- persistence ----------------

        private static void Advance(Sm3Accumulators s, long[] shape, int steps, int seed, double beta)
        {
            using var scope = NewDisposeScope();
            var gen = new Generator((ulong)seed);
            for (int t = 0; t < steps; t++)
            {
                s.Update(randn(shape, dtype: ScalarType.Float64, generator: gen), beta);
            }
        }

        private static void Advance(FactoredSecondMoment s, long[] shape, int steps, int seed, long firstStep = 1)
        {
            using var scope = NewDisposeScope();
            var gen = new Generator((ulong)seed);
            for (int t = 0; t < steps; t++)
            {
                s.Precondition(randn(shape, dtype: ScalarType.Float64, generator: gen), AdafactorMath.Beta2(firstStep + t, -0.8), 1e-30);
            }
        }

        private static bool BitEqual(Tensor a, Tensor b)
        {
            if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape))
            {
                return false;
            }

            using Tensor ca = a.cpu().contiguous();
            using Tensor cb = b.cpu().contiguous();
            return ca.bytes.SequenceEqual(cb.bytes);
        }

        [Theory]
        [InlineData(new long[] { 3, 4 }, 0.0)]
        [InlineData(new long[] { 2, 3, 2 }, 0.5)]
        [InlineData(new long[] { 5 }, 0.0)]
        [InlineData(new long[] { 5 }, 0.9)]
        [InlineData(new long[0], 0.0)]
        public void Sm3_SaveLoad_RoundTripsExactly(long[] shape, double beta)
        {
            using var scope = NewDisposeScope();
            Tensor p = zeros(shape, dtype: ScalarType.Float64);
            using var a = new Sm3Accumulators(p);
            Advance(a, shape, 4, 1, beta);

            var ms = new MemoryStream();
            using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                a.Save(w);
                w.Write(12345); // whatever follows must still be readable
            }

            using var b = new Sm3Accumulators(p);
            ms.Position = 0;
            using (var r = new BinaryReader(ms, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                b.Load(r);
                Assert.Equal(12345, r.ReadInt32());
            }

            for (int i = 0; i < a.Accumulators.Count; i++)
            {
                Assert.True(BitEqual(a.Accumulators[i], b.Accumulators[i]));
            }

            Assert.True(a.ApproximatelyEquals(b));

            // Both continue identically.
            Advance(a, shape, 3, 2, beta);
            Advance(b, shape, 3, 2, beta);
            for (int i = 0; i < a.Accumulators.Count; i++)
            {
                Assert.True(BitEqual(a.Accumulators[i], b.Accumulators[i]));
            }
        }

        [Theory]
        [InlineData(new long[] { 3, 4 })]
        [InlineData(new long[] { 2, 3, 2 })]
        [InlineData(new long[] { 5 })]
        public void Factored_SaveLoad_RoundTripsExactly(long[] shape)
        {
            using var scope = NewDisposeScope();
            Tensor p = zeros(shape, dtype: ScalarType.Float64);
            using var a = new FactoredSecondMoment(p);
            Advance(a, shape, 4, 3);

            var ms = new MemoryStream();
            using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                a.Save(w);
            }

            using var b = new FactoredSecondMoment(p);
            ms.Position = 0;
            using (var r = new BinaryReader(ms, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                b.Load(r);
            }

            Assert.Equal(ms.Length, ms.Position);
            foreach (var (x, y) in new[] { (a.Row, b.Row), (a.Col, b.Col), (a.Full, b.Full) })
            {
                Assert.Equal(x is null, y is null);
                if (x is not null)
                {
                    Assert.True(BitEqual(x, y!));
                }
            }

            Assert.True(a.ApproximatelyEquals(b));
            Advance(a, shape, 2, 4, 5);
            Advance(b, shape, 2, 4, 5);
            Assert.True(a.IsFactored ? BitEqual(a.Row!, b.Row!) && BitEqual(a.Col!, b.Col!) : BitEqual(a.Full!, b.Full!));
        }

        [Fact]
        public void Load_RejectsMismatchedState()
        {
            using var scope = NewDisposeScope();
            var ms = new MemoryStream();
            using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                using var s = new Sm3Accumulators(zeros(3, 4));
                s.Save(w);
            }

            void LoadInto(Action<BinaryReader> load)
            {
                ms.Position = 0;
                using var r = new BinaryReader(ms, System.Text.Encoding.UTF8, leaveOpen: true);
                load(r);
            }

            using var otherShape = new Sm3Accumulators(zeros(3, 5));
            using var otherRank = new Sm3Accumulators(zeros(3, 4, 1));
            using var otherType = new Sm3Accumulators(zeros(new long[] { 3, 4 }, dtype: ScalarType.Float64));
            using var fac = new FactoredSecondMoment(zeros(3, 4));
            Assert.Throws<InvalidDataException>(() => LoadInto(r => otherShape.Load(r)));
            Assert.Throws<InvalidDataException>(() => LoadInto(r => otherRank.Load(r)));
            Assert.Throws<InvalidDataException>(() => LoadInto(r => otherType.Load(r)));
            Assert.Throws<InvalidDataException>(() => LoadInto(r => fac.Load(r)));

            var ms2 = new MemoryStream();
            using (var w = new BinaryWriter(ms2, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                using var f = new FactoredSecondMoment(zeros(12));
                f.Save(w);
            }

            ms2.Position = 0;
            using var r2 = new BinaryReader(ms2);
            Assert.Throws<InvalidDataException>(() => fac.Load(r2));
        }

        [Fact]
        public void CopyFrom_ApproximatelyEquals_AndMove()
        {
            using var scope = NewDisposeScope();
            long[] shape = { 2, 3, 2 };
            Tensor p = zeros(shape, dtype: ScalarType.Float64);
            using var a = new Sm3Accumulators(p);
            using var b = new Sm3Accumulators(p);
            Advance(a, shape, 3, 7, 0.0);
            Assert.False(a.ApproximatelyEquals(b));
            b.CopyFrom(a);
            Assert.True(a.ApproximatelyEquals(b));
            Advance(b, shape, 1, 8, 0.0);
            Assert.False(a.ApproximatelyEquals(b));
            using var other = new Sm3Accumulators(zeros(2, 3));
            Assert.False(a.ApproximatelyEquals(other));
            Assert.Throws<ArgumentException>(() => other.CopyFrom(a));

            using var fa = new FactoredSecondMoment(p);
            using var fb = new FactoredSecondMoment(p);
            Advance(fa, shape, 3, 9);
            Assert.False(fa.ApproximatelyEquals(fb));
            fb.CopyFrom(fa);
            Assert.True(fa.ApproximatelyEquals(fb));
            using var fFull = new FactoredSecondMoment(zeros(12, dtype: ScalarType.Float64));
            Assert.False(fa.ApproximatelyEquals(fFull));
            Assert.Throws<ArgumentException>(() => fFull.CopyFrom(fa));

            // Moving to the device the state already lives on keeps the values (and the tensors).
            var before = a.Accumulators.Select(t => t.clone()).ToArray();
            a.to(CPU);
            fa.to(CPU);
            Assert.All(a.Accumulators.Zip(before), z => Assert.True(BitEqual(z.First, z.Second)));
            Assert.All(a.Accumulators, t => Assert.Equal(DeviceType.CPU, t.device_type));
            Assert.True(fa.ApproximatelyEquals(fb));

            if (cuda.is_available())
            {
                a.to(CUDA);
                Assert.All(a.Accumulators, t => Assert.Equal(DeviceType.CUDA, t.device_type));
                Assert.True(a.ApproximatelyEquals(b) == false);
                a.to(CPU);
                Assert.All(a.Accumulators.Zip(before), z => Assert.True(BitEqual(z.First, z.Second)));
            }
        }

        // ---------------- dtypes ----------------

        [Theory]
        [InlineData(ScalarType.BFloat16)]
        [InlineData(ScalarType.Float16)]
        [InlineData(ScalarType.Float32)]
        public void Sm3_WorksForOtherFloatTypes(ScalarType dtype)
        {
            using var scope = NewDisposeScope();
            Tensor p = zeros(new long[] { 3, 4 }, dtype: dtype);
            using var s = new Sm3Accumulators(p);
            Assert.All(s.Accumulators, a => Assert.Equal(dtype, a.dtype));
            Tensor g = tensor(Enumerable.Range(1, 12).Select(i => i / 8.0).ToArray(), dtype: ScalarType.Float64).reshape(3, 4);
            Tensor nu = s.Update(g.to(dtype), 0.0);
            Assert.Equal(dtype, nu.dtype);
            using Scalar two = 2; // square() is pow(2) with a temporary Scalar inside TorchSharp
            double[] expected = Compare.Values(g.pow(two));
            string? bad = Compare.Mismatch(Compare.Values(nu), expected, 1e-2, 1e-3);
            Assert.True(bad is null, bad);
            // A float64 gradient is converted to the accumulators' dtype.
            Assert.Equal(dtype, s.Update(g, 0.5).dtype);
        }

        // ---------------- no host reads in the step path ----------------

        private static readonly string[] HostReads =
        {
            "item<", "ToDouble", "ToSingle", "ToHalf", "ToBoolean", "data<", "ToArray", "ToInt", "ToScalar", ".cpu(",
            "(bool)", "(double)", "(float)", ".bytes", "Synchronize", "tolist", "allclose",
        };

        [Theory]
        [InlineData("Sm3Accumulators.cs")]
        [InlineData("FactoredSecondMoment.cs")]
        [InlineData("AdafactorMath.cs")]
        public void RuntimeSource_ReadsNoTensorOnTheHost(string file)
        {
            string path = Path.Combine(FactoredCase.RepoRoot(), "src", "Runtime", "Factored", file);
            var hits = File.ReadAllLines(path)
                .Select((line, i) => (Line: line, Number: i + 1))
                .Where(l => !l.Line.TrimStart().StartsWith("//", StringComparison.Ordinal))
                .SelectMany(l => HostReads.Where(f => l.Line.Contains(f, StringComparison.Ordinal)).Select(f => $"line {l.Number}: '{f}' in: {l.Line.Trim()}"))
                .ToList();
            Assert.True(hits.Count == 0, "Host reads in " + file + ":" + Environment.NewLine + string.Join(Environment.NewLine, hits));
        }
    }
}
