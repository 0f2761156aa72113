using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>Tensors filled with a host value, the value's <see cref="Scalar"/> held until the native call has returned.</summary>
    public static class Fill
    {
        /// <summary><c>torch.full_like(like, value)</c>: a new tensor of <paramref name="like"/>'s shape, dtype and device.</summary>
        /// <param name="like">The tensor to imitate.</param>
        /// <param name="value">The fill value.</param>
        public static Tensor Like(Tensor like, double value)
        {
            // A Scalar created by an implicit conversion could be finalized while libtorch reads it (see ScalarLifetimeTests).
            using Scalar fill = value;
            return full_like(like, fill);
        }
    }
}
