using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>Whether a tensor holds only finite values, read on the host.</summary>
    public static class Finiteness
    {
        /// <summary>
        /// Whether every element of <paramref name="tensor"/> is finite (no NaN, no ±∞); true for an empty tensor. A contiguous
        /// float32/float64 CPU tensor is read through its memory (no tensor created); any other tensor costs one
        /// <c>isfinite().all()</c> reduction and a host read (a synchronisation off the CPU).
        /// </summary>
        /// <param name="tensor">The tensor.</param>
        public static bool AllFinite(Tensor tensor)
        {
            if (tensor is null)
            {
                throw new System.ArgumentNullException(nameof(tensor));
            }

            if (InMemory(tensor) is { } finite)
            {
                return finite;
            }

            if (!tensor.is_floating_point() && !tensor.is_complex())
            {
                return true;
            }

            using var scope = NewDisposeScope();
            return tensor.isfinite().all().cpu().item<bool>();
        }

        /// <summary>
        /// Whether every element of a contiguous float32/float64 CPU tensor is finite, read through its memory (no tensor
        /// created); null for any other tensor, which needs a reduction on its device.
        /// </summary>
        /// <param name="tensor">The tensor.</param>
        internal static bool? InMemory(Tensor tensor)
        {
            ScalarType dtype = tensor.dtype;
            if (tensor.device_type != DeviceType.CPU || !tensor.is_contiguous() || !HostKernels.Takes(dtype))
            {
                return null;
            }

            return HostKernels.AllFinite(dtype, FusedMemory.Address(tensor), tensor.numel());
        }
    }
}
