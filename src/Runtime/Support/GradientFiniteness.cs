using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// The inf check of <c>[SkipNonFinite]</c> for the gradients that take tensor operations (the fused path checks its own in a
    /// generated pass over their memory), as AMP's gradient scaler checks before <c>optimizer.step()</c>.
    /// </summary>
    public static class GradientFiniteness
    {
        /// <summary>
        /// Whether every gradient <c>grads[i]</c>, i in <paramref name="indices"/>, holds only finite values. Contiguous
        /// float32/float64 CPU gradients are read through their memory (no tensor created); the others are reduced on their
        /// device (<c>isfinite().all()</c>) and read together: at most one host read.
        /// </summary>
        /// <param name="grads">The group's gradients (null: no gradient).</param>
        /// <param name="indices">Which of them to check.</param>
        public static bool AllFinite(IReadOnlyList<Tensor?> grads, IReadOnlyList<int> indices)
        {
            if (grads is null)
            {
                throw new System.ArgumentNullException(nameof(grads));
            }

            if (indices is null)
            {
                throw new System.ArgumentNullException(nameof(indices));
            }

            List<Tensor>? onDevice = null;
            foreach (int i in indices)
            {
                if (grads[i] is not { } g)
                {
                    continue;
                }

                bool? finite = Finiteness.InMemory(g);
                if (finite == false)
                {
                    return false;
                }

                if (finite is null)
                {
                    (onDevice ??= new List<Tensor>()).Add(g);
                }
            }

            if (onDevice is null)
            {
                return true;
            }

            using var scope = NewDisposeScope();
            Device device = onDevice[0].device;
            var flags = new Tensor[onDevice.Count];
            for (int k = 0; k < flags.Length; k++)
            {
                flags[k] = onDevice[k].isfinite().all().to(device).reshape(1);
            }

            return cat(flags, 0).all().cpu().item<bool>();
        }
    }
}
