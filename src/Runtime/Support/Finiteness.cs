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

            ScalarType dtype = tensor.dtype;
            if (tensor.device_type == DeviceType.CPU && tensor.is_contiguous() && (dtype == ScalarType.Float32 || dtype == ScalarType.Float64))
            {
                return HostKernels.AllFinite(dtype, FusedMemory.Address(tensor), tensor.numel());
            }

            if (!tensor.is_floating_point() && !tensor.is_complex())
            {
                return true;
            }

            using var scope = NewDisposeScope();
            return tensor.isfinite().all().cpu().item<bool>();
        }
    }
}
