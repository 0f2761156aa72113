using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// What one parameter group brings to a step, gathered before anything changes: its parameters, their gradients (null
    /// where a parameter has none), their states and the path each takes (true: the fused CPU kernels). A generated step gathers every
    /// group first, so a sparse gradient, or a parameter that <c>fused: true</c> cannot take the fused path, fails the step
    /// before any parameter or state changes; and each tensor's metadata is read once per step.
    /// </summary>
    public sealed class GroupInputs
    {
        /// <summary>Creates the inputs of a group of <paramref name="parameters"/> (gradients and paths filled by the caller).</summary>
        /// <param name="parameters">The group's parameters, in order.</param>
        public GroupInputs(Parameter[] parameters)
        {
            Parameters = parameters;
            Grads = new Tensor?[parameters.Length];
            States = new OptimizerState?[parameters.Length];
            Fused = new bool[parameters.Length];
            Memory = new FusedParameterMemory[parameters.Length];
        }

        /// <summary>The group's parameters, in order.</summary>
        public Parameter[] Parameters { get; }

        /// <summary>Each parameter's gradient this step (null: none, the parameter is skipped).</summary>
        public Tensor?[] Grads { get; }

        /// <summary>Each parameter's state, looked up once per step (null: no gradient, the parameter is skipped).</summary>
        public OptimizerState?[] States { get; }

        /// <summary>Whether each parameter takes the fused CPU kernels (false: tensor operations, or no gradient).</summary>
        public bool[] Fused { get; }

        /// <summary>What the fused kernels need of each parameter that takes them and of its gradient (addresses, element count, dtype).</summary>
        public FusedParameterMemory[] Memory { get; }
    }
}
