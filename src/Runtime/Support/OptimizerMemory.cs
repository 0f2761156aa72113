using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Reflection;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>Measures the memory an optimizer's state occupies, from the actual state tensors.</summary>
    public static class OptimizerMemory
    {
        private static readonly ConcurrentDictionary<Type, FieldInfo[]> Fields = new();

        /// <summary>
        /// Bytes of all per-parameter state of a generated optimizer: every state tensor (numel × element size) and
        /// every state object's own <c>StateBytes</c> (critical buffers, SM3 accumulators, Adafactor factors).
        /// Scalars such as the step counter are not counted.
        /// </summary>
        /// <param name="optimizer">The optimizer.</param>
        /// <returns>The number of bytes.</returns>
        public static long StateBytes(OptimizerHelper optimizer)
        {
            if (optimizer is null) throw new ArgumentNullException(nameof(optimizer));
            return optimizer.state_dict().State.Sum(StateBytes);
        }

        /// <summary>Bytes of one parameter's state (see <see cref="StateBytes(OptimizerHelper)"/>).</summary>
        /// <param name="state">The state.</param>
        /// <returns>The number of bytes.</returns>
        public static long StateBytes(OptimizerState state)
        {
            if (state is null) throw new ArgumentNullException(nameof(state));
            long total = 0;
            foreach (FieldInfo field in Fields.GetOrAdd(state.GetType(), t => t.GetFields(BindingFlags.Public | BindingFlags.Instance)))
            {
                object? value = field.GetValue(state);
                total += value switch
                {
                    Tensor t => t.numel() * t.element_size(),
                    CriticalBuffer c => c.StateBytes,
                    Sm3Accumulators s => s.StateBytes,
                    FactoredSecondMoment f => f.StateBytes,
                    _ => 0,
                };
            }

            return total;
        }
    }
}
