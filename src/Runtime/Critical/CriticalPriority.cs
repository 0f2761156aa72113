using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// Priorities of the critical buffers, computed like the reference code: with <c>synced</c> every parameter of the group gets
    /// <c>0.0 + Σ sqrt(sum(square(g)))</c> over the parameters that have a gradient, summed in parameter order in the gradients'
    /// dtype (a sum of per-tensor norms, NOT the global norm); otherwise each parameter gets <c>g.norm()</c> of its own gradient.
    /// Each per-tensor term is computed as <c>g.norm()</c> (or, for the gradients of the fused CPU path, by its own one-pass
    /// reduction in double precision, rounded to the gradient's dtype): the same quantity as the reference's
    /// <c>sqrt(sum(square(g)))</c> without a full-size temporary; they may differ in the last bit, which only matters for
    /// exact ties of priorities.
    /// <para>Non-finite norms (a gradient with a NaN or an infinite entry, or one whose squares overflow): a non-finite term is
    /// left out of the synced sum (it counts as zero), so the group's other tensors keep a finite priority; the tensor whose own
    /// norm is non-finite gets that norm (NaN or +∞) as its priority, which every buffer refuses.</para>
    /// </summary>
    public static class CriticalPriority
    {
        /// <summary>The value of an entry of <c>fusedNorms</c> whose norm was not computed by the fused path.</summary>
        public const double NotComputed = -1.0;

        /// <summary>
        /// The priorities of one parameter group's offers. Host values when <paramref name="onHost"/> is true (the heap
        /// structure) or when every gradient without a precomputed norm is on the CPU: exactly one host read for the group (none
        /// when every norm is precomputed). Otherwise device tensors (no host read), except that a precomputed (fused) parameter
        /// of such a group still gets a host value, for which a synced priority is read once. Entries of parameters without a
        /// gradient are default.
        /// </summary>
        /// <param name="grads">The group's gradients, in parameter order (null = no gradient).</param>
        /// <param name="synced">Group priority (sum of per-tensor norms) instead of per-tensor norms.</param>
        /// <param name="onHost">Whether the buffers need host values whatever the device.</param>
        /// <param name="fusedNorms">Per parameter, the norm of its gradient computed by the fused path, or <see cref="NotComputed"/>;
        /// null when none was.</param>
        public static OfferPriority[] ForGroup(IReadOnlyList<Tensor?> grads, bool synced, bool onHost, IReadOnlyList<double>? fusedNorms = null)
        {
            if (grads is null)
            {
                throw new ArgumentNullException(nameof(grads));
            }

            var result = new OfferPriority[grads.Count];
            var norms = new Norm[grads.Count];
            bool allOnCpu = true;
            bool anyFused = false;
            for (int i = 0; i < grads.Count; i++)
            {
                if (grads[i] is not { } g)
                {
                    continue;
                }

                if (fusedNorms is not null && fusedNorms[i] != NotComputed)
                {
                    norms[i] = new Norm(fusedNorms[i], null, g.dtype);
                    anyFused = true;
                }
                else
                {
                    // optim.py / optim_eff.py / CMOptimizer: d_p.norm()
                    Tensor n = g.norm();
                    norms[i] = new Norm(double.NaN, n, g.dtype);
                    allOnCpu &= n.device_type == DeviceType.CPU;
                }
            }

            bool host = onHost || allOnCpu;
            if (host)
            {
                ReadToHost(norms);
            }

            if (!synced)
            {
                for (int i = 0; i < grads.Count; i++)
                {
                    if (grads[i] is not null)
                    {
                        result[i] = host || norms[i].Tensor is null ? new OfferPriority(norms[i].Value) : new OfferPriority(norms[i].Tensor!);
                    }
                }

                return result;
            }

            OfferPriority total;
            if (host && HostSumRoundsLikeTensors(norms))
            {
                total = new OfferPriority(HostSum(norms));
            }
            else
            {
                Tensor sum = DeviceSum(norms);
                total = host ? new OfferPriority(new OfferPriority(sum).ToHost()) : new OfferPriority(sum);
            }

            OfferPriority fusedTotal = anyFused && total.Device is not null ? new OfferPriority(total.ToHost()) : total;
            for (int i = 0; i < grads.Count; i++)
            {
                if (grads[i] is null)
                {
                    continue;
                }

                if (host || norms[i].Tensor is null)
                {
                    // The own norm is known on the host: a non-finite one is this tensor's priority (refused).
                    result[i] = !double.IsFinite(norms[i].Value) ? new OfferPriority(norms[i].Value) : norms[i].Tensor is null ? fusedTotal : total;
                }
                else
                {
                    result[i] = new OfferPriority(TotalUnlessNonFinite(norms[i].Tensor!, total.Device!));
                }
            }

            return result;
        }

        /// <summary>
        /// Host priorities for the gradients of one parameter group, in order (entries without a gradient are NaN): exactly one
        /// host read for the whole group (none when no parameter has a gradient).
        /// </summary>
        /// <param name="grads">The group's gradients, in parameter order (null = no gradient).</param>
        /// <param name="synced">Group priority (sum of per-tensor norms) instead of per-tensor norms.</param>
        public static double[] OnHost(IReadOnlyList<Tensor?> grads, bool synced)
        {
            using var scope = NewDisposeScope();
            OfferPriority[] priorities = ForGroup(grads, synced, onHost: true);
            var result = new double[priorities.Length];
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = grads[i] is null ? double.NaN : priorities[i].Value;
            }

            return result;
        }

        /// <summary>
        /// Device priorities (0-dim tensors in the gradients' dtype) for the gradients of one parameter group, in order. No host
        /// read at all. With <paramref name="synced"/> every parameter that has a gradient gets the group's sum of finite norms
        /// (or its own norm when that is not finite); parameters without a gradient get null. The tensors belong to the caller's
        /// dispose scope.
        /// </summary>
        /// <param name="grads">The group's gradients, in parameter order (null = no gradient).</param>
        /// <param name="synced">Group priority (sum of per-tensor norms) instead of per-tensor norms.</param>
        public static Tensor?[] OnDevice(IReadOnlyList<Tensor?> grads, bool synced)
        {
            if (grads is null)
            {
                throw new ArgumentNullException(nameof(grads));
            }

            var norms = new Norm[grads.Count];
            for (int i = 0; i < grads.Count; i++)
            {
                if (grads[i] is { } g)
                {
                    norms[i] = new Norm(double.NaN, g.norm(), g.dtype);
                }
            }

            var result = new Tensor?[grads.Count];
            Tensor? total = synced && Array.Exists(norms, n => n.Present) ? DeviceSum(norms) : null;
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = !norms[i].Present ? null : total is null ? norms[i].Tensor : TotalUnlessNonFinite(norms[i].Tensor!, total);
            }

            return result;
        }

        // A synced priority on the device: the group's total, or the tensor's own norm when that is not finite.
        private static Tensor TotalUnlessNonFinite(Tensor own, Tensor total) => where(own.isfinite(), total, own);

        // One parameter's norm: a host value (read or precomputed) and, unless precomputed, its tensor.
        private struct Norm
        {
            public Norm(double value, Tensor? tensor, ScalarType dtype)
            {
                Value = value;
                Tensor = tensor;
                Dtype = dtype;
                Present = true;
            }

            public double Value;
            public Tensor? Tensor;
            public ScalarType Dtype;
            public bool Present;
        }

        // The one host read: every tensor norm of the group at once.
        private static void ReadToHost(Norm[] norms)
        {
            var tensors = new List<Tensor>();
            foreach (Norm n in norms)
            {
                if (n.Tensor is not null)
                {
                    tensors.Add(n.Tensor.to(ScalarType.Float64, tensors.Count == 0 ? n.Tensor.device : tensors[0].device).reshape(1));
                }
            }

            if (tensors.Count == 0)
            {
                return;
            }

            double[] host = cat(tensors, 0).cpu().data<double>().ToArray();
            for (int i = 0, j = 0; i < norms.Length; i++)
            {
                if (norms[i].Tensor is not null)
                {
                    norms[i].Value = host[j++];
                }
            }
        }

        // float32 and float64 norms only: host float/double additions round exactly like the tensors' additions.
        private static bool HostSumRoundsLikeTensors(Norm[] norms) =>
            Array.TrueForAll(norms, n => !n.Present || n.Dtype == ScalarType.Float32 || n.Dtype == ScalarType.Float64);

        // Reference: d_p_norm = 0.0; d_p_norm += <norm> for each parameter in order (0.0 + t == t exactly), each addition in
        // the promoted dtype of the two operands (float32 while every norm so far is float32, then float64). A non-finite norm
        // adds zero (its dtype still takes part in the promotion, as the device sum's zero term does).
        private static double HostSum(Norm[] norms)
        {
            bool started = false;
            bool inFloat = true;
            float single = 0;
            double total = 0;
            foreach (Norm n in norms)
            {
                if (!n.Present)
                {
                    continue;
                }

                bool isFloat = n.Dtype == ScalarType.Float32;
                double value = double.IsFinite(n.Value) ? n.Value : 0.0;
                if (!started)
                {
                    started = true;
                    inFloat = isFloat;
                    single = (float)value;
                    total = value;
                    continue;
                }

                if (inFloat && isFloat)
                {
                    single += (float)value;
                    total = single;
                }
                else
                {
                    total = (inFloat ? single : total) + value;
                    inFloat = false;
                }
            }

            return inFloat ? single : total;
        }

        // The same sum with tensor additions (the reference's type promotion for any dtypes); precomputed norms enter as
        // 0-dim tensors of their gradient's dtype; a non-finite norm enters as a zero of its dtype.
        private static Tensor DeviceSum(Norm[] norms)
        {
            Device? device = null;
            foreach (Norm n in norms)
            {
                device ??= n.Tensor?.device;
            }

            Tensor? total = null;
            foreach (Norm n in norms)
            {
                if (!n.Present)
                {
                    continue;
                }

                Tensor term = n.Tensor is { } t
                    ? where(t.isfinite(), t, zeros_like(t))
                    : tensor(double.IsFinite(n.Value) ? n.Value : 0.0, dtype: n.Dtype, device: device ?? CPU);
                total = total is null ? term : total.add(term, alpha: Scalars.One);
            }

            return total!;
        }
    }
}
