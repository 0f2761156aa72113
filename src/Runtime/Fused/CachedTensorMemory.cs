using System;
using System.Runtime.CompilerServices;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// What the fused path needs of a tensor the optimizer owns (a state tensor, a critical buffer's storage or bookkeeping):
    /// whether it is a contiguous CPU tensor, its dtype, element count and address — read from libtorch once per tensor
    /// instead of once per step. A step of a model with thousands of small tensors otherwise spends most of its time in
    /// these metadata reads (each touches the tensor's native object, which the step's own streaming has evicted from the
    /// caches).
    /// <para>
    /// The cache is keyed by the tensor: the managed object and its native handle. When the field it describes holds another
    /// tensor (a loaded checkpoint, a lazily created tensor, <c>to(device)</c>, a user's assignment), its next use reads the new
    /// one; a disposed tensor throws as any operation on it would. What the key cannot see is a storage swapped under the same
    /// tensor (<c>set_</c>, <c>resize_</c>): the optimizer never does that to a tensor it owns — every step writes its state in
    /// place — so an owned tensor's address is valid for the tensor's lifetime.
    /// </para>
    /// </summary>
    public struct CachedTensorMemory
    {
        private Tensor? _tensor;
        private nint _handle;
        private nint _address;
        private long _count;
        private long _elementSize;
        private ScalarType _dtype;
        private bool _onCpuContiguous;

        /// <summary>The address of <paramref name="tensor"/>'s first element (0 when it is empty).</summary>
        /// <param name="tensor">A contiguous CPU tensor.</param>
        /// <exception cref="InvalidOperationException">The tensor is not a contiguous CPU tensor, or it has been disposed.</exception>
        public nint Address(Tensor tensor)
        {
            Describe(tensor);
            if (!_onCpuContiguous)
            {
                throw NotHostMemory();
            }

            return _address;
        }

        /// <summary>The address of element <paramref name="index"/> of <paramref name="tensor"/> (in its flat element order).</summary>
        /// <param name="tensor">A contiguous CPU tensor.</param>
        /// <param name="index">An element index, at most the element count.</param>
        public nint ElementAddress(Tensor tensor, long index)
        {
            nint address = Address(tensor);
            if ((ulong)index > (ulong)_count)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, "The tensor has " + _count + " elements.");
            }

            return address + (nint)(index * _elementSize);
        }

        /// <summary>The address of <paramref name="tensor"/>, or 0 when it is null.</summary>
        /// <param name="tensor">A contiguous CPU tensor, or null.</param>
        public nint AddressOrZero(Tensor? tensor) => tensor is null ? 0 : Address(tensor);

        /// <summary>Whether <paramref name="tensor"/> is a contiguous CPU tensor of <paramref name="dtype"/>.</summary>
        /// <param name="tensor">The tensor.</param>
        /// <param name="dtype">The dtype it must have.</param>
        public bool IsHostMemoryOf(Tensor tensor, ScalarType dtype)
        {
            Describe(tensor);
            return _onCpuContiguous && _dtype == dtype;
        }

        /// <summary>The dtype of <paramref name="tensor"/>.</summary>
        /// <param name="tensor">The tensor.</param>
        public ScalarType Dtype(Tensor tensor)
        {
            Describe(tensor);
            return _dtype;
        }

        /// <summary>The elements of <paramref name="tensor"/>, a contiguous CPU tensor of at most 2³¹ − 1 elements of <typeparamref name="T"/>'s size.</summary>
        /// <typeparam name="T">The element type.</typeparam>
        /// <param name="tensor">The tensor.</param>
        /// <exception cref="InvalidOperationException">The tensor is not a contiguous CPU tensor, its elements are not the size of
        /// <typeparamref name="T"/>, it is too large for a span, or it has been disposed.</exception>
        public unsafe Span<T> Elements<T>(Tensor tensor)
            where T : unmanaged
        {
            nint address = Address(tensor);
            if (_elementSize != sizeof(T) || _count > int.MaxValue)
            {
                throw new InvalidOperationException(
                    "A tensor of " + _count + " " + _dtype + " elements cannot be read as a span of " + typeof(T).Name + ".");
            }

            return new Span<T>((void*)address, (int)_count);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Describe(Tensor tensor)
        {
            // Handle throws for a disposed tensor, as any operation on it would.
            nint handle = tensor.Handle;
            if (!ReferenceEquals(tensor, _tensor) || handle != _handle)
            {
                Read(tensor, handle);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void Read(Tensor tensor, nint handle)
        {
            ScalarType dtype = tensor.dtype;
            bool onCpuContiguous = tensor.device_type == DeviceType.CPU && tensor.is_contiguous();
            long count = tensor.numel();
            nint address = onCpuContiguous ? FusedMemory.Address(tensor) : 0;
            _dtype = dtype;
            _onCpuContiguous = onCpuContiguous;
            _count = count;
            _elementSize = tensor.element_size();
            _address = address;
            _handle = handle;
            _tensor = tensor;
        }

        private InvalidOperationException NotHostMemory() =>
            new("The fused path needs a contiguous CPU tensor; this one is " + (_tensor is null ? "missing" : "on " + _tensor.device + (_tensor.is_contiguous() ? string.Empty : ", not contiguous")) + ".");
    }
}
