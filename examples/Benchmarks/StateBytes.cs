using System;
using System.Linq;
using System.Reflection;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Benchmarks
{
    /// <summary>
    /// Bytes of an optimizer's per-parameter state, read from the live state objects: every public tensor field
    /// (numel × element size) plus every public object field that reports its own <c>StateBytes</c> (the runtime's
    /// critical buffers, SM3 accumulators, Adafactor factors). Works for TorchSharp's built-ins and generated optimizers.
    /// </summary>
    internal static class StateBytes
    {
        public static long Of(OptimizerHelper optimizer) => optimizer.state_dict().State.Sum(Of);

        public static long Of(OptimizerState state)
        {
            long total = 0;
            foreach (FieldInfo field in state.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance))
            {
                object? value = field.GetValue(state);
                if (value is null) continue;
                if (value is Tensor t)
                {
                    total += t.numel() * t.element_size();
                    continue;
                }

                PropertyInfo? bytes = value.GetType().GetProperty("StateBytes", BindingFlags.Public | BindingFlags.Instance);
                if (bytes?.GetValue(value) is long b) total += b;
            }

            return total;
        }
    }
}
