using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using TorchSharp;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// Small element-wise loops over the memory of contiguous float32/float64 CPU tensors, used by the runtime's own upkeep
    /// (removing an entry from a critical buffer's running sum, recomputing a sum in list order) and by the fused path's norm
    /// reduction. Each works on <c>count</c> elements at addresses from <see cref="FusedMemory.Address(TorchSharp.torch.Tensor)"/>; additions and
    /// subtractions are IEEE operations in the tensors' dtype, exactly as libtorch's <c>add_</c>/<c>sub_</c> round them.
    /// </summary>
    public static class HostKernels
    {
        private const int Chunk = 1 << 30;

        /// <summary>
        /// Whether these loops, and the generated fused kernels, take tensors of <paramref name="dtype"/>: float32 and float64
        /// (the element types with IEEE arithmetic in .NET that rounds as libtorch's CPU kernels do).
        /// </summary>
        /// <param name="dtype">A tensor's dtype.</param>
        public static bool Takes(torch.ScalarType dtype) => dtype == torch.ScalarType.Float32 || dtype == torch.ScalarType.Float64;

        /// <summary><c>target -= source</c>, element-wise.</summary>
        /// <param name="dtype">float32 or float64.</param>
        /// <param name="target">Address of the target.</param>
        /// <param name="source">Address of the subtrahend.</param>
        /// <param name="count">Elements.</param>
        public static void Subtract(torch.ScalarType dtype, nint target, nint source, long count)
        {
            if (dtype == torch.ScalarType.Float32)
            {
                Subtract<float>(target, source, count);
            }
            else
            {
                Subtract<double>(target, source, count);
            }
        }

        /// <summary><c>target = 0</c>.</summary>
        /// <param name="dtype">float32 or float64.</param>
        /// <param name="target">Address of the target.</param>
        /// <param name="count">Elements.</param>
        public static void Zero(torch.ScalarType dtype, nint target, long count)
        {
            long bytes = count * (dtype == torch.ScalarType.Float32 ? sizeof(float) : sizeof(double));
            for (long start = 0; start < bytes; start += Chunk)
            {
                FusedMemory.Span<byte>(target, start, (int)Math.Min(Chunk, bytes - start)).Clear();
            }
        }

        /// <summary><c>target = sources[0] + sources[1] + …</c> in order (the first <paramref name="terms"/> sources; at least one).</summary>
        /// <param name="dtype">float32 or float64.</param>
        /// <param name="target">Address of the target (may be one of the sources only if it is the first).</param>
        /// <param name="sources">Addresses of the terms.</param>
        /// <param name="terms">How many terms.</param>
        /// <param name="count">Elements.</param>
        public static void SumInOrder(torch.ScalarType dtype, nint target, nint[] sources, int terms, long count)
        {
            if (dtype == torch.ScalarType.Float32)
            {
                SumInOrder<float>(target, sources, terms, count);
            }
            else
            {
                SumInOrder<double>(target, sources, terms, count);
            }
        }

        /// <summary>Whether every one of <paramref name="count"/> elements from <paramref name="start"/> is finite (no NaN, no ±∞).</summary>
        /// <typeparam name="T">float or double.</typeparam>
        /// <param name="address">Address of the tensor.</param>
        /// <param name="start">First element.</param>
        /// <param name="count">Elements (at most <see cref="int.MaxValue"/>).</param>
        public static bool AllFinite<T>(nint address, long start, int count)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            Span<T> x = FusedMemory.Span<T>(address, start, count);
            Span<Vector<T>> vectors = FusedVector.Vectors(x);
            Vector<T> flags = Vector<T>.Zero;
            for (int k = 0; k < vectors.Length; k++)
            {
                flags = FusedVector.FlagNonFinite(flags, vectors[k]);
            }

            if (!FusedVector.AllZero(flags))
            {
                return false;
            }

            for (int i = vectors.Length * Vector<T>.Count; i < x.Length; i++)
            {
                if (!T.IsFinite(x[i]))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Whether every one of <paramref name="count"/> elements at <paramref name="address"/> is finite.</summary>
        /// <param name="dtype">float32 or float64.</param>
        /// <param name="address">Address of the tensor.</param>
        /// <param name="count">Elements.</param>
        public static bool AllFinite(torch.ScalarType dtype, nint address, long count)
        {
            for (long start = 0; start < count; start += Chunk)
            {
                int n = (int)Math.Min(Chunk, count - start);
                bool finite = dtype == torch.ScalarType.Float32 ? AllFinite<float>(address, start, n) : AllFinite<double>(address, start, n);
                if (!finite)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>A norm <c>sqrt(sumOfSquares)</c> rounded to the tensor's dtype (as a float32 tensor's <c>norm()</c> is a float32 value).</summary>
        /// <param name="dtype">float32 or float64.</param>
        /// <param name="sumOfSquares">The sum of the squares.</param>
        public static double NormOf(torch.ScalarType dtype, double sumOfSquares)
        {
            double norm = Math.Sqrt(sumOfSquares);
            return dtype == torch.ScalarType.Float32 ? (float)norm : norm;
        }

        private static void Subtract<T>(nint target, nint source, long count)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            for (long start = 0; start < count; start += Chunk)
            {
                int n = (int)Math.Min(Chunk, count - start);
                Span<T> t = FusedMemory.Span<T>(target, start, n);
                Span<T> s = FusedMemory.Span<T>(source, start, n);
                Span<Vector<T>> vt = FusedVector.Vectors(t);
                Span<Vector<T>> vs = FusedVector.Vectors(s);
                for (int k = 0; k < vt.Length; k++)
                {
                    vt[k] -= vs[k];
                }

                for (int i = vt.Length * Vector<T>.Count; i < n; i++)
                {
                    t[i] -= s[i];
                }
            }
        }

        private static void SumInOrder<T>(nint target, nint[] sources, int terms, long count)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            for (long start = 0; start < count; start += Chunk)
            {
                int n = (int)Math.Min(Chunk, count - start);
                Span<T> t = FusedMemory.Span<T>(target, start, n);
                FusedMemory.Span<T>(sources[0], start, n).CopyTo(t);
                for (int term = 1; term < terms; term++)
                {
                    Add(t, FusedMemory.Span<T>(sources[term], start, n));
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Add<T>(Span<T> target, Span<T> source)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            Span<Vector<T>> vt = FusedVector.Vectors(target);
            Span<Vector<T>> vs = FusedVector.Vectors(source);
            for (int k = 0; k < vt.Length; k++)
            {
                vt[k] += vs[k];
            }

            for (int i = vt.Length * Vector<T>.Count; i < target.Length; i++)
            {
                target[i] += source[i];
            }
        }
    }
}
