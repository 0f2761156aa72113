using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime;

/// <summary>
/// Priorities of the critical buffers, computed like the reference code: with <c>synced</c> every parameter of the group gets
/// <c>0.0 + Σ sqrt(sum(square(g)))</c> over the parameters that have a gradient, summed in parameter order in the gradients'
/// dtype (a sum of per-tensor norms, NOT the global norm); otherwise each parameter gets <c>g.norm()</c> of its own gradient.
/// Each per-tensor term is computed as <c>g.norm()</c>: the same quantity as the reference's <c>sqrt(sum(square(g)))</c> in one
/// pass without a full-size temporary; the two may differ in the last bit, which only matters for exact ties of priorities.
/// </summary>
public static class CriticalPriority
{
    /// <summary>
    /// Host priorities for the gradients of one parameter group, in order (for <see cref="CriticalBufferStructure.Heap"/>).
    /// Entries for parameters without a gradient (null) are NaN. Exactly one host read for the whole group
    /// (none when no parameter has a gradient).
    /// </summary>
    /// <param name="grads">The group's gradients, in parameter order (null = no gradient).</param>
    /// <param name="synced">Group priority (sum of per-tensor norms) instead of per-tensor norms.</param>
    public static double[] OnHost(IReadOnlyList<Tensor?> grads, bool synced)
    {
        if (grads is null)
        {
            throw new ArgumentNullException(nameof(grads));
        }

        var result = new double[grads.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = double.NaN;
        }

        using var scope = NewDisposeScope();
        var norms = OnDevice(grads, synced: false);
        var present = new List<Tensor>();
        foreach (var n in norms)
        {
            if (n is not null)
            {
                present.Add(n);
            }
        }

        if (present.Count == 0)
        {
            return result;
        }

        ScalarType dtype = present[0].dtype;
        Device device = present[0].device;
        bool uniform = present.TrueForAll(n => n.dtype == dtype && n.device == device);
        if (synced && !(uniform && (dtype == ScalarType.Float32 || dtype == ScalarType.Float64)))
        {
            // Mixed or reduced-precision dtypes: add on the device, with the reference's type promotion.
            return Fill(result, grads, SumInOrder(present).to(ScalarType.Float64).cpu().item<double>());
        }

        // The one host read: every norm of the group at once.
        double[] host = uniform
            ? stack(present).to(ScalarType.Float64).cpu().data<double>().ToArray()
            : cat(present.ConvertAll(n => n.to(ScalarType.Float64, present[0].device).reshape(1)), 0).cpu().data<double>().ToArray();
        if (synced)
        {
            // The reference adds the norms one by one in the gradients' dtype: float and double arithmetic on the host
            // round exactly like float32 and float64 tensor additions.
            double total;
            if (dtype == ScalarType.Float32)
            {
                float sum = (float)host[0];
                for (int k = 1; k < host.Length; k++)
                {
                    sum += (float)host[k];
                }

                total = sum;
            }
            else
            {
                total = host[0];
                for (int k = 1; k < host.Length; k++)
                {
                    total += host[k];
                }
            }

            return Fill(result, grads, total);
        }

        int j = 0;
        for (int i = 0; i < result.Length; i++)
        {
            if (norms[i] is not null)
            {
                result[i] = host[j++];
            }
        }

        return result;
    }

    // Every parameter with a gradient gets the group's priority.
    private static double[] Fill(double[] result, IReadOnlyList<Tensor?> grads, double value)
    {
        for (int i = 0; i < result.Length; i++)
        {
            if (grads[i] is not null)
            {
                result[i] = value;
            }
        }

        return result;
    }

    /// <summary>
    /// Device priorities (0-dim tensors in the gradients' dtype) for the gradients of one parameter group, in order
    /// (for <see cref="CriticalBufferStructure.Slots"/>). No host read at all. With <paramref name="synced"/> every
    /// parameter that has a gradient gets the same tensor; parameters without a gradient get null. The tensors belong to
    /// the caller's dispose scope.
    /// </summary>
    /// <param name="grads">The group's gradients, in parameter order (null = no gradient).</param>
    /// <param name="synced">Group priority (sum of per-tensor norms) instead of per-tensor norms.</param>
    public static Tensor?[] OnDevice(IReadOnlyList<Tensor?> grads, bool synced)
    {
        if (grads is null)
        {
            throw new ArgumentNullException(nameof(grads));
        }

        var result = new Tensor?[grads.Count];
        if (!synced)
        {
            for (int i = 0; i < result.Length; i++)
            {
                // optim.py / optim_eff.py / CMOptimizer: d_p.norm()
                result[i] = grads[i]?.norm();
            }

            return result;
        }

        // The reference writes sqrt(sum(square(g))); norm() is the same quantity in one pass without a temporary.
        var norms = new List<Tensor>();
        foreach (var g in grads)
        {
            if (g is not null)
            {
                norms.Add(g.norm());
            }
        }

        Tensor? total = norms.Count == 0 ? null : SumInOrder(norms);
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = grads[i] is null ? null : total;
        }

        return result;
    }

    // Reference: d_p_norm = 0.0; d_p_norm += <norm> for each parameter in order (0.0 + t == t exactly), with the tensors'
    // type promotion. The norms must not be empty.
    private static Tensor SumInOrder(IReadOnlyList<Tensor> norms)
    {
        Tensor total = norms[0];
        for (int k = 1; k < norms.Count; k++)
        {
            total = total.add(norms[k]);
        }

        return total;
    }
}
