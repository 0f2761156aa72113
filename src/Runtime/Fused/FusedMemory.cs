using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// The memory of contiguous CPU tensors, for the fused kernels: a parameter's and its gradient's addresses are read once
    /// per step, those of the optimizer's own tensors once per tensor (<see cref="CachedTensorMemory"/>), and the kernels
    /// work on spans over them. Writing through these spans changes the tensor in place without bumping autograd's version
    /// counter, as every optimizer step does after <c>backward()</c>.
    /// </summary>
    public static unsafe class FusedMemory
    {
        /// <summary>
        /// The address of the first element of a contiguous CPU tensor (0 for an empty tensor). The caller has checked
        /// device and contiguity (<see cref="FusedDispatch"/>); tensors over 2 GiB are addressed through a one-element view.
        /// </summary>
        /// <param name="tensor">A contiguous CPU tensor.</param>
        public static nint Address(Tensor tensor) => AddressOfBytes(tensor, tensor.numel() * tensor.element_size());

        /// <summary>
        /// The address of a contiguous CPU tensor whose element count and dtype the caller has read already (one libtorch
        /// call fewer for each).
        /// </summary>
        /// <param name="tensor">A contiguous CPU tensor.</param>
        /// <param name="elements">Its number of elements.</param>
        /// <param name="dtype">Its dtype, float32 or float64.</param>
        public static nint Address(Tensor tensor, long elements, ScalarType dtype) =>
            AddressOfBytes(tensor, elements * (dtype == ScalarType.Float64 ? sizeof(double) : sizeof(float)));

        // A tensor of `bytes` bytes: TorchSharp's span covers up to 2 GiB; a larger tensor through a one-element view.
        private static nint AddressOfBytes(Tensor tensor, long bytes)
        {
            if (bytes == 0)
            {
                return 0;
            }

            if (bytes <= int.MaxValue)
            {
                return (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(tensor.bytes));
            }

            using Tensor first = tensor.flatten().narrow(0, 0, 1);
            return (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(first.bytes));
        }

        /// <summary>The address of element <paramref name="start"/> of the memory at <paramref name="address"/> (0 stays 0).</summary>
        /// <typeparam name="T">The element type.</typeparam>
        /// <param name="address">A tensor's address, or 0.</param>
        /// <param name="start">The element.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static nint Offset<T>(nint address, long start)
            where T : unmanaged =>
            address == 0 ? 0 : (nint)((T*)address + start);

        /// <summary><paramref name="count"/> elements starting at element <paramref name="start"/> of the memory at <paramref name="address"/>.</summary>
        /// <typeparam name="T">The element type (the tensor's dtype).</typeparam>
        /// <param name="address">A tensor's address (<see cref="Address(Tensor)"/>); 0 gives an empty span.</param>
        /// <param name="start">The first element.</param>
        /// <param name="count">The number of elements.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Span<T> Span<T>(nint address, long start, int count)
            where T : unmanaged =>
            address == 0 ? default : new Span<T>((T*)address + start, count);
    }
}
