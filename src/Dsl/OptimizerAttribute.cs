using System;

namespace OptimDsl
{
    /// <summary>
    /// Marks a <c>partial class</c> as an optimizer declaration. The OptimDsl source generator completes the
    /// class into a TorchSharp optimizer (an <c>OptimizerHelper</c> subclass with <c>Options</c>, <c>ParamGroup</c>,
    /// <c>State</c> and <c>step</c>) from the building-block attributes placed on the same class.
    /// </summary>
    /// <remarks>
    /// The blocks always run in the canonical order documented in <c>docs/DSL.md</c>, whatever the order of the
    /// attributes: decoupled weight decay, gradient (maximize), L2 weight decay, critical buffer on gradients,
    /// momentum / first moment, critical buffer on momenta, second moment, preconditioning, parameter update.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
#if OPTIMDSL_GENERATOR
    internal
#else
    public
#endif
    sealed class OptimizerAttribute : Attribute
    {
        /// <summary>Default of the generated <c>lr</c> argument (PyTorch's name). Must be non-negative.</summary>
        public double Lr { get; set; } = 1e-3;
    }
}
