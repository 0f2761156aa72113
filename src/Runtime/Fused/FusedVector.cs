using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// Element functions of the fused kernels, with one overload for a <see cref="Vector{T}"/> of elements and one for a single
    /// element, so that a generated statement reads the same for both, and the loads and stores of a kernel's last, partial
    /// vector. Functions round as libtorch's do: square roots and quotients are exact IEEE operations (no approximate
    /// reciprocal square root), and <see cref="Maximum{T}(Vector{T}, Vector{T})"/> propagates NaN like <c>torch.maximum</c>.
    /// </summary>
    public static unsafe class FusedVector
    {
        /// <summary>
        /// Whether this runtime's <see cref="Vector.Max{T}"/> and <see cref="Vector.Min{T}"/> already propagate NaN (IEEE 754:2019
        /// maximum/minimum, .NET 9 and later); on .NET 8 they are the platform's instructions, which do not, and
        /// <see cref="Maximum{T}(Vector{T}, Vector{T})"/> adds the NaN test itself. A static readonly value: the JIT folds the test.
        /// </summary>
        private static readonly bool NaNPropagatingMinMax =
            float.IsNaN(Vector.Max(new Vector<float>(float.NaN), Vector<float>.One)[0])
            && float.IsNaN(Vector.Max(Vector<float>.One, new Vector<float>(float.NaN))[0])
            && float.IsNaN(Vector.Min(new Vector<float>(float.NaN), Vector<float>.One)[0])
            && float.IsNaN(Vector.Min(Vector<float>.One, new Vector<float>(float.NaN))[0]);

        /// <summary>The vectors of a span's whole-vector prefix.</summary>
        /// <typeparam name="T">The element type.</typeparam>
        /// <param name="span">The span.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Span<Vector<T>> Vectors<T>(Span<T> span)
            where T : unmanaged => MemoryMarshal.Cast<T, Vector<T>>(span);

        /// <summary>The vector of elements <paramref name="start"/> to <paramref name="start"/> + <c>Vector&lt;T&gt;.Count</c> − 1 (the caller keeps it inside the span).</summary>
        /// <typeparam name="T">The element type.</typeparam>
        /// <param name="span">The span.</param>
        /// <param name="start">The first element.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<T> Load<T>(Span<T> span, int start)
            where T : unmanaged =>
            Unsafe.ReadUnaligned<Vector<T>>(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref MemoryMarshal.GetReference(span), start)));

        /// <summary>Writes <paramref name="value"/> to elements <paramref name="start"/> on (the caller keeps them inside the span).</summary>
        /// <typeparam name="T">The element type.</typeparam>
        /// <param name="span">The span.</param>
        /// <param name="start">The first element.</param>
        /// <param name="value">The vector.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store<T>(Span<T> span, int start, Vector<T> value)
            where T : unmanaged =>
            Unsafe.WriteUnaligned(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref MemoryMarshal.GetReference(span), start)), value);

        /// <summary>
        /// The vector of elements <paramref name="index"/> to <paramref name="index"/> + <c>Vector&lt;T&gt;.Count</c> − 1 of the
        /// memory at <paramref name="address"/> (a tensor's address, <see cref="FusedMemory.Address(TorchSharp.torch.Tensor)"/>, advanced to a work item;
        /// the caller keeps the vector inside the tensor). Kernels address operands this way rather than through spans: one
        /// register per operand, no lengths to keep alive.
        /// </summary>
        /// <typeparam name="T">The element type.</typeparam>
        /// <param name="address">The memory of the work item's first element.</param>
        /// <param name="index">The first element of the vector.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<T> Load<T>(nint address, int index)
            where T : unmanaged => Unsafe.ReadUnaligned<Vector<T>>((T*)address + index);

        /// <summary>Writes <paramref name="value"/> to elements <paramref name="index"/> on of the memory at <paramref name="address"/>.</summary>
        /// <typeparam name="T">The element type.</typeparam>
        /// <param name="address">The memory of the work item's first element.</param>
        /// <param name="index">The first element of the vector.</param>
        /// <param name="value">The vector.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store<T>(nint address, int index, Vector<T> value)
            where T : unmanaged => Unsafe.WriteUnaligned((T*)address + index, value);

        /// <summary>
        /// The elements <paramref name="index"/> to <paramref name="count"/> − 1 (fewer than a vector) at
        /// <paramref name="address"/>, padded with zeros, through <paramref name="scratch"/>: a plain loop, no call, so a
        /// kernel's vector registers survive its last, partial vector.
        /// </summary>
        /// <typeparam name="T">The element type.</typeparam>
        /// <param name="address">The memory of the work item's first element.</param>
        /// <param name="index">The first element of the partial vector.</param>
        /// <param name="count">The work item's number of elements.</param>
        /// <param name="scratch">At least one vector of elements (<see cref="TailScratch{T}"/>).</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<T> LoadTail<T>(nint address, int index, int count, Span<T> scratch)
            where T : unmanaged
        {
            T* source = (T*)address + index;
            int valid = count - index;
            ref T lanes = ref MemoryMarshal.GetReference(scratch);
            for (int k = 0; k < Vector<T>.Count; k++)
            {
                Unsafe.Add(ref lanes, k) = k < valid ? source[k] : default;
            }

            return Unsafe.ReadUnaligned<Vector<T>>(ref Unsafe.As<T, byte>(ref lanes));
        }

        /// <summary>Writes the lanes of <paramref name="value"/> for elements <paramref name="index"/> to <paramref name="count"/> − 1 at <paramref name="address"/>, through <paramref name="scratch"/> (a plain loop, no call).</summary>
        /// <typeparam name="T">The element type.</typeparam>
        /// <param name="address">The memory of the work item's first element.</param>
        /// <param name="index">The first element of the partial vector.</param>
        /// <param name="count">The work item's number of elements.</param>
        /// <param name="value">The vector.</param>
        /// <param name="scratch">At least one vector of elements.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreTail<T>(nint address, int index, int count, Vector<T> value, Span<T> scratch)
            where T : unmanaged
        {
            T* target = (T*)address + index;
            int valid = count - index;
            ref T lanes = ref MemoryMarshal.GetReference(scratch);
            Unsafe.WriteUnaligned(ref Unsafe.As<T, byte>(ref lanes), value);
            for (int k = 0; k < valid; k++)
            {
                target[k] = Unsafe.Add(ref lanes, k);
            }
        }

        /// <summary>
        /// One vector of elements for this thread's partial-vector loads and stores (<see cref="LoadTail{T}(nint, int, int, Span{T})"/>): a kernel takes it
        /// once per work item, so its loops need no allocation, no <c>stackalloc</c> and no call.
        /// </summary>
        /// <typeparam name="T">The element type.</typeparam>
        public static Span<T> TailScratch<T>()
            where T : unmanaged => (TailBuffer<T>.Lanes ??= new T[Vector<T>.Count]).AsSpan();

        /// <summary>
        /// The elements of <paramref name="span"/> from <paramref name="start"/> on (fewer than a vector), padded with zeros,
        /// through <paramref name="scratch"/> (one vector of elements, <see cref="TailScratch{T}"/>); the caller keeps
        /// <paramref name="start"/> inside the span. A plain loop, no call.
        /// </summary>
        /// <typeparam name="T">The element type.</typeparam>
        /// <param name="span">The span.</param>
        /// <param name="start">The first element of the partial vector.</param>
        /// <param name="scratch">At least one vector of elements.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<T> LoadTail<T>(Span<T> span, int start, Span<T> scratch)
            where T : unmanaged
        {
            fixed (T* first = span)
            {
                return LoadTail((nint)first, start, span.Length, scratch);
            }
        }

        /// <summary>Writes the lanes of <paramref name="value"/> that fall inside <paramref name="span"/> from <paramref name="start"/> on, through <paramref name="scratch"/> (a plain loop, no call).</summary>
        /// <typeparam name="T">The element type.</typeparam>
        /// <param name="span">The span.</param>
        /// <param name="start">The first element of the partial vector.</param>
        /// <param name="value">The vector.</param>
        /// <param name="scratch">At least one vector of elements.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreTail<T>(Span<T> span, int start, Vector<T> value, Span<T> scratch)
            where T : unmanaged
        {
            fixed (T* first = span)
            {
                StoreTail((nint)first, start, span.Length, value, scratch);
            }
        }

        /// <summary>Square root.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<T> Sqrt<T>(Vector<T> x)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => Vector.SquareRoot(x);

        /// <summary>Square root.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Sqrt<T>(T x)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => T.Sqrt(x);

        /// <summary>The larger of two values; NaN if either is NaN (<c>torch.maximum</c>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<T> Maximum<T>(Vector<T> a, Vector<T> b)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            if (NaNPropagatingMinMax)
            {
                return Vector.Max(a, b);
            }

            Vector<T> ordered = Vector.Equals(a, a) & Vector.Equals(b, b);
            return Vector.ConditionalSelect(ordered, Vector.Max(a, b), a + b);
        }

        /// <summary>The larger of two values; NaN if either is NaN (<c>torch.maximum</c>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Maximum<T>(T a, T b)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => T.IsNaN(a) || T.IsNaN(b) ? a + b : (a >= b ? a : b);

        /// <summary>The smaller of two values; NaN if either is NaN (<c>torch.minimum</c>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<T> Minimum<T>(Vector<T> a, Vector<T> b)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            if (NaNPropagatingMinMax)
            {
                return Vector.Min(a, b);
            }

            Vector<T> ordered = Vector.Equals(a, a) & Vector.Equals(b, b);
            return Vector.ConditionalSelect(ordered, Vector.Min(a, b), a + b);
        }

        /// <summary>The smaller of two values; NaN if either is NaN (<c>torch.minimum</c>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T Minimum<T>(T a, T b)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => T.IsNaN(a) || T.IsNaN(b) ? a + b : (a <= b ? a : b);

        /// <summary>A vector with every lane <paramref name="value"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<T> Broadcast<T>(T value)
            where T : unmanaged => new Vector<T>(value);

        /// <summary>
        /// <paramref name="sum"/> plus every lane of <paramref name="x"/> in double precision (a float vector's lanes are
        /// widened into two double vectors and added pairwise). A value, not a <c>ref</c>: an accumulator whose address is
        /// never taken stays in a register.
        /// </summary>
        /// <typeparam name="T">float or double.</typeparam>
        /// <param name="sum">Running lane sums.</param>
        /// <param name="x">The values to add.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<double> Accumulate<T>(Vector<double> sum, Vector<T> x)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            if (typeof(T) == typeof(float))
            {
                Vector.Widen(Vector.AsVectorSingle(x), out Vector<double> low, out Vector<double> high);
                return sum + (low + high);
            }

            return sum + Vector.AsVectorDouble(x);
        }

        /// <summary>
        /// Folds <paramref name="x"/> into a finiteness flag: <c>flags + (x − x)</c>, whose lanes stay 0 while every value seen
        /// is finite and become NaN for good once one is not (∞ − ∞ and NaN − NaN are NaN). Test it with <see cref="AllZero{T}"/>.
        /// </summary>
        /// <typeparam name="T">float or double.</typeparam>
        /// <param name="flags">The flags so far (start with zero).</param>
        /// <param name="x">The values.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<T> FlagNonFinite<T>(Vector<T> flags, Vector<T> x)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => flags + (x - x);

        /// <summary>Whether every lane of <paramref name="flags"/> is zero (see <see cref="FlagNonFinite{T}"/>: every value was finite).</summary>
        /// <typeparam name="T">float or double.</typeparam>
        /// <param name="flags">The flags.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool AllZero<T>(Vector<T> flags)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => Vector.EqualsAll(flags, Vector<T>.Zero);

        /// <summary>The sum of the lanes of <paramref name="sum"/>, in lane order.</summary>
        /// <param name="sum">Lane sums.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static double Total(Vector<double> sum)
        {
            double total = 0;
            for (int i = 0; i < Vector<double>.Count; i++)
            {
                total += sum[i];
            }

            return total;
        }

        /// <summary>The largest lane of <paramref name="x"/> (NaN if any lane is NaN).</summary>
        /// <typeparam name="T">float or double.</typeparam>
        /// <param name="x">The lanes.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static T MaxLane<T>(Vector<T> x)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            T max = x[0];
            for (int i = 1; i < Vector<T>.Count; i++)
            {
                max = Maximum(max, x[i]);
            }

            return max;
        }

        /// <summary>
        /// The first <paramref name="lanes"/> lanes of <paramref name="x"/>, the others <paramref name="fill"/> (a partial
        /// vector's reductions), through <paramref name="scratch"/>: a plain loop, no call (not even a static's initialization
        /// check), so the kernel's accumulators stay in registers.
        /// </summary>
        /// <typeparam name="T">float or double.</typeparam>
        /// <param name="x">The vector.</param>
        /// <param name="lanes">Valid lanes.</param>
        /// <param name="fill">The value of the other lanes.</param>
        /// <param name="scratch">At least one vector of elements.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<T> Masked<T>(Vector<T> x, int lanes, T fill, Span<T> scratch)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            ref T values = ref MemoryMarshal.GetReference(scratch);
            Unsafe.WriteUnaligned(ref Unsafe.As<T, byte>(ref values), x);
            for (int k = lanes; k < Vector<T>.Count; k++)
            {
                Unsafe.Add(ref values, k) = fill;
            }

            return Unsafe.ReadUnaligned<Vector<T>>(ref Unsafe.As<T, byte>(ref values));
        }

        /// <summary>A per-thread vector of elements.</summary>
        private static class TailBuffer<T>
            where T : unmanaged
        {
            [ThreadStatic]
            public static T[]? Lanes;
        }

        /// <summary>Adds the lanes of <paramref name="x"/>, in double, to <paramref name="sums"/> from <paramref name="start"/> on (a whole vector; the caller keeps it inside the span).</summary>
        /// <typeparam name="T">float or double.</typeparam>
        /// <param name="sums">Running sums.</param>
        /// <param name="start">The first sum.</param>
        /// <param name="x">The values.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void AddTo<T>(Span<double> sums, int start, Vector<T> x)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            // One or two double vectors (float lanes are widened), added in place.
            ref byte at = ref Unsafe.As<double, byte>(ref Unsafe.Add(ref MemoryMarshal.GetReference(sums), start));
            if (typeof(T) == typeof(float))
            {
                Vector.Widen(Vector.AsVectorSingle(x), out Vector<double> low, out Vector<double> high);
                Unsafe.WriteUnaligned(ref at, Unsafe.ReadUnaligned<Vector<double>>(ref at) + low);
                ref byte next = ref Unsafe.Add(ref at, Vector<double>.Count * sizeof(double));
                Unsafe.WriteUnaligned(ref next, Unsafe.ReadUnaligned<Vector<double>>(ref next) + high);
            }
            else
            {
                Unsafe.WriteUnaligned(ref at, Unsafe.ReadUnaligned<Vector<double>>(ref at) + Vector.AsVectorDouble(x));
            }
        }

        /// <summary>Adds the first <paramref name="lanes"/> lanes of <paramref name="x"/> (fewer than a vector), in double, to <paramref name="sums"/> from <paramref name="start"/> on, through <paramref name="scratch"/> (a plain loop, no call).</summary>
        /// <typeparam name="T">float or double.</typeparam>
        /// <param name="sums">Running sums.</param>
        /// <param name="start">The first sum.</param>
        /// <param name="x">The values.</param>
        /// <param name="lanes">Valid lanes.</param>
        /// <param name="scratch">At least one vector of elements.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void AddTo<T>(Span<double> sums, int start, Vector<T> x, int lanes, Span<T> scratch)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            ref T values = ref MemoryMarshal.GetReference(scratch);
            Unsafe.WriteUnaligned(ref Unsafe.As<T, byte>(ref values), x);
            ref double first = ref Unsafe.Add(ref MemoryMarshal.GetReference(sums), start);
            for (int k = 0; k < lanes; k++)
            {
                Unsafe.Add(ref first, k) += double.CreateTruncating(Unsafe.Add(ref values, k));
            }
        }
    }
}
