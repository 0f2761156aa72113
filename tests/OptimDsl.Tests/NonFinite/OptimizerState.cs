using System.Reflection;
using OptimDsl.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Tests.NonFinite
{
    /// <summary>One parameter's generated state, read by field name (every generated <c>State</c> names its fields alike).</summary>
    internal readonly struct ParameterState
    {
        private readonly object _state;

        private ParameterState(object state) => _state = state;

        /// <summary>The state of parameter <paramref name="index"/> (optimizer order).</summary>
        public static ParameterState Of(OptimizerHelper optimizer, int index) => new(optimizer.state_dict().State[index]);

        public CriticalBuffer? Critical => (CriticalBuffer?)Field("critical");

        public long Step => (long)Field("step")!;

        public Tensor? Tensor(string name) => (Tensor?)Field(name);

        public object? Field(string name)
        {
            FieldInfo field = _state.GetType().GetField(name, BindingFlags.Public | BindingFlags.Instance)
                ?? throw new System.MissingFieldException(_state.GetType().FullName, name);
            return field.GetValue(_state);
        }
    }
}
