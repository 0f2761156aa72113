using System;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// Which path a parameter takes in a generated step: the fused CPU kernels for a float32/float64 contiguous CPU parameter
    /// whose gradient and state qualify too, tensor operations otherwise (an accelerator, bfloat16/half, a non-contiguous
    /// tensor, reduced-precision buffer storage). The constructor argument <c>fused</c> (PyTorch's name) forces either path:
    /// null chooses per tensor, false always takes tensor operations, true throws where the fused path is impossible.
    /// </summary>
    public static class FusedDispatch
    {
        /// <summary>
        /// Why <paramref name="param"/> and <paramref name="grad"/> cannot take the fused path, or null when they can, with
        /// what the kernels need of them in <paramref name="memory"/> (default when they cannot). Each of their properties is
        /// read from libtorch once; the state tensors, created like the parameter, are checked by
        /// <see cref="WhyNotState"/> from what their caches hold.
        /// </summary>
        /// <param name="param">The parameter.</param>
        /// <param name="grad">Its (dense) gradient.</param>
        /// <param name="memory">Their addresses, element count and dtype, when they qualify.</param>
        public static string? WhyNot(Tensor param, Tensor grad, out FusedParameterMemory memory)
        {
            memory = default;
            if (param.device_type != DeviceType.CPU)
            {
                return "it is on " + param.device;
            }

            ScalarType dtype = param.dtype;
            if (!HostKernels.Takes(dtype))
            {
                return "its dtype is " + dtype + " (the fused kernels take Float32 and Float64)";
            }

            if (grad.device_type != DeviceType.CPU)
            {
                return "its gradient is on " + grad.device;
            }

            ScalarType gradDtype = grad.dtype;
            if (gradDtype != dtype)
            {
                return "its gradient's dtype (" + gradDtype + ") differs from its own (" + dtype + ")";
            }

            if (!param.is_contiguous())
            {
                return "it is not contiguous";
            }

            if (!grad.is_contiguous())
            {
                return "its gradient is not contiguous";
            }

            long elements = param.numel();
            long gradElements = grad.numel();
            if (gradElements != elements)
            {
                // The kernels read the gradient element by element alongside the parameter.
                return "its gradient has " + gradElements + " elements, not " + elements;
            }

            memory = new FusedParameterMemory(FusedMemory.Address(param, elements, dtype), FusedMemory.Address(grad, elements, dtype), elements, dtype);
            return null;
        }

        /// <summary>
        /// Why a state tensor of a qualifying parameter cannot take the fused path, or null: it must be a contiguous CPU tensor
        /// of the parameter's dtype. Read through the tensor's cache, so from libtorch only when the field holds a new tensor.
        /// </summary>
        /// <param name="name">The state tensor's name, for the message.</param>
        /// <param name="memory">The cache of the state tensor's field.</param>
        /// <param name="state">The state tensor (null: absent, fine).</param>
        /// <param name="dtype">The parameter's dtype.</param>
        public static string? WhyNotState(string name, ref CachedTensorMemory memory, Tensor? state, ScalarType dtype) =>
            state is null || memory.IsHostMemoryOf(state, dtype)
                ? null
                : "its state tensor " + name + " is not a contiguous " + dtype + " CPU tensor";

        /// <summary>Why a critical buffer cannot take part in a fused kernel, or null.</summary>
        /// <param name="buffer">The buffer (null: switched off, fine).</param>
        public static string? WhyNotBuffer(CriticalBuffer? buffer) =>
            buffer is null || buffer.SupportsFusedKernels
                ? null
                : "its critical buffer stores " + buffer.Values.dtype + " entries or lives off the CPU";

        /// <summary>
        /// The path of one parameter: true for the fused kernels. With <paramref name="fused"/> = true and a reason, throws an
        /// <see cref="ArgumentException"/> naming the optimizer, the parameter's group and position, its shape and the reason.
        /// </summary>
        /// <param name="fused">The optimizer's <c>fused</c> argument.</param>
        /// <param name="whyNot">Why the parameter cannot be fused (null: it can).</param>
        /// <param name="optimizer">The optimizer's name.</param>
        /// <param name="group">The index of the parameter's group.</param>
        /// <param name="position">The parameter's position in its group.</param>
        /// <param name="param">The parameter.</param>
        public static bool Choose(bool? fused, string? whyNot, string optimizer, int group, int position, Tensor param)
        {
            if (fused == false)
            {
                return false;
            }

            if (whyNot is null)
            {
                return true;
            }

            if (fused == true)
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "{0} was created with fused: true, but parameter {1} of group {2} (shape [{3}]) cannot take the fused CPU path: {4}.",
                        optimizer, position, group, string.Join(", ", param.shape), whyNot),
                    "fused");
            }

            return false;
        }
    }
}
