using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// What the fused path reads of a parameter and its gradient in one step, read once by
    /// <see cref="FusedDispatch.WhyNot(Tensor, Tensor, out FusedParameterMemory)"/>: their addresses, the element count they share
    /// and the dtype. The parameter's state tensors are not read each step (<see cref="CachedTensorMemory"/>).
    /// </summary>
    public readonly struct FusedParameterMemory
    {
        /// <summary>Describes a parameter and its gradient.</summary>
        /// <param name="parameter">The parameter's address.</param>
        /// <param name="gradient">The gradient's address.</param>
        /// <param name="elements">The number of elements of each.</param>
        /// <param name="dtype">The dtype of each (float32 or float64).</param>
        public FusedParameterMemory(nint parameter, nint gradient, long elements, ScalarType dtype)
        {
            Parameter = parameter;
            Gradient = gradient;
            Elements = elements;
            Dtype = dtype;
        }

        /// <summary>The parameter's address (0 when it is empty).</summary>
        public nint Parameter { get; }

        /// <summary>The gradient's address (0 when it is empty).</summary>
        public nint Gradient { get; }

        /// <summary>The number of elements of the parameter and of its gradient.</summary>
        public long Elements { get; }

        /// <summary>The dtype of the parameter and of its gradient.</summary>
        public ScalarType Dtype { get; }
    }
}
