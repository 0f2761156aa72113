using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// What the fused path reads of a parameter and its gradient in one step, read once by
    /// <see cref="FusedDispatch.WhyNot(Tensor, Tensor, out FusedParameterMemory)"/>. The parameter's state tensors are not
    /// read each step (<see cref="CachedTensorMemory"/>).
    /// </summary>
    /// <param name="Parameter">The parameter's address (0 when it is empty).</param>
    /// <param name="Gradient">The gradient's address (0 when it is empty).</param>
    /// <param name="Elements">The number of elements of the parameter and of its gradient.</param>
    /// <param name="Dtype">The dtype of the parameter and of its gradient (float32 or float64).</param>
    public readonly record struct FusedParameterMemory(nint Parameter, nint Gradient, long Elements, ScalarType Dtype);
}
