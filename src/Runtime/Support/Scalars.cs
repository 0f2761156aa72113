using TorchSharp;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// Scalars held for the life of the process, for the arguments TorchSharp would otherwise create as temporaries inside
    /// its own overloads. <c>Tensor.add_(x)</c> is <c>add_(x, 1)</c> (Tensor.Math.cs), <c>addcdiv_(a, b)</c> is
    /// <c>addcdiv_(a, b, 1)</c>: the <c>1</c> becomes a <see cref="Scalar"/> that nothing references once its handle has
    /// been read, so a garbage collection during the native call can finalize it while libtorch still reads it. Generated
    /// code and the runtime pass <see cref="One"/> explicitly instead (<c>add_(x, alpha: Scalars.One)</c>): the same value
    /// (an integer 1, as TorchSharp converts it), held by a static field. Never dispose it.
    /// </summary>
    public static class Scalars
    {
        /// <summary>The integer 1 (alpha of <c>add</c>/<c>add_</c>, value of <c>addcdiv</c>/<c>addcdiv_</c>). Do not dispose.</summary>
        public static readonly Scalar One = 1;

        /// <summary>The integer 0 (start of <c>arange</c>). Do not dispose.</summary>
        public static readonly Scalar Zero = 0;
    }
}
