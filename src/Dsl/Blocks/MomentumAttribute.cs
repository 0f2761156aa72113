using System;

namespace OptimDsl
{
    /// <summary>
    /// Heavy-ball momentum as in PyTorch's SGD: on the first step the buffer is the input itself, afterwards
    /// <c>buf = momentum * buf + (1 - dampening) * input</c>. Adds the <c>momentum</c> argument (and, on gradients,
    /// <c>dampening</c> and <c>nesterov</c>); <c>momentum = 0</c> disables the block at run time and allocates nothing.
    /// The generated optimizer implements TorchSharp's <c>IMomentum</c>, so cycling schedulers drive it.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    sealed class MomentumAttribute : Attribute
    {
        /// <summary>Default of <c>momentum</c>, in [0, 1).</summary>
        public double Default { get; set; }

        /// <summary>Default of <c>dampening</c> (only with <see cref="MomentInput.Gradient"/>).</summary>
        public double Dampening { get; set; }

        /// <summary>Default of <c>nesterov</c> (only with <see cref="MomentInput.Gradient"/>).</summary>
        public bool Nesterov { get; set; }

        /// <summary>
        /// <see cref="MomentInput.Gradient"/>: momentum of the (processed) gradient, as SGD.
        /// <see cref="MomentInput.Preconditioned"/>: momentum of the preconditioned update, as RMSprop.
        /// </summary>
        public MomentInput Input { get; set; } = MomentInput.Gradient;
    }
}
