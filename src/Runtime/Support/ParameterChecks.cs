using System;
using System.Collections.Generic;
using System.Globalization;
using TorchSharp.Modules;

namespace OptimDsl.Runtime
{
    /// <summary>Checks of the parameters handed to a generated optimizer, each failure naming the parameter and what was expected.</summary>
    public static class ParameterChecks
    {
        /// <summary>
        /// Throws <see cref="ArgumentException"/> when a parameter of the group being added appears twice in it, or already
        /// belongs to one of <paramref name="existing"/> (as torch.optim rejects "parameters that appear in more than one
        /// parameter group"): it would be stepped twice per step. The message names the parameter (group index, position,
        /// shape) and where it appeared first. Parameters are identified as the optimizer's state is, by tensor handle.
        /// </summary>
        /// <param name="existing">The optimizer's groups so far; the new group gets index <c>existing.Count</c>.</param>
        /// <param name="parameters">The new group's parameters.</param>
        /// <param name="paramName">The argument reported by the exception.</param>
        public static void CheckDistinct(IList<ParamGroup> existing, IEnumerable<Parameter> parameters, string paramName)
        {
            if (existing is null)
            {
                throw new ArgumentNullException(nameof(existing));
            }

            if (parameters is null)
            {
                throw new ArgumentNullException(paramName);
            }

            var seen = new Dictionary<IntPtr, (int Group, int Position)>();
            for (int g = 0; g < existing.Count; g++)
            {
                int p = 0;
                foreach (Parameter parameter in existing[g].Parameters)
                {
                    seen[parameter.Handle] = (g, p++);
                }
            }

            int group = existing.Count;
            int position = 0;
            foreach (Parameter parameter in parameters)
            {
                if (parameter is null)
                {
                    throw new ArgumentException(
                        string.Format(CultureInfo.InvariantCulture, "Parameter {0} of group {1} is null; expected a parameter.", position, group), paramName);
                }

                if (seen.TryGetValue(parameter.Handle, out (int Group, int Position) first))
                {
                    throw new ArgumentException(
                        string.Format(
                            CultureInfo.InvariantCulture,
                            "Parameter {0} of group {1} (shape [{2}]) is already parameter {3} of group {4}; expected every parameter to appear once in an optimizer (torch.optim: some parameters appear in more than one parameter group).",
                            position, group, string.Join(", ", parameter.shape), first.Position, first.Group),
                        paramName);
                }

                seen[parameter.Handle] = (group, position++);
            }
        }
    }
}
