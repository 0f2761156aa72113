using System;
using System.Collections.Generic;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// SM3-II cover-set accumulators (co-dimension-one slices) of one parameter tensor, updated exactly as
    /// Enealor/PyTorch-SM3 <c>src/SM3/SM3.py</c> (<c>_compute_update</c> + <c>_update_accumulator</c>), dense path.
    /// <list type="bullet">
    /// <item>rank r ≥ 2: one accumulator per dimension i, shape <c>[1]*i + [n_i] + [1]*(r-1-i)</c> (Σ n_i elements);</item>
    /// <item>rank ≤ 1 (including 0-dim tensors): one accumulator of the parameter's shape (diagonal AdaGrad).</item>
    /// </list>
    /// The accumulators have the parameter's dtype and device (like the reference, which allocates them like the gradient),
    /// start at zero and are detached from every dispose scope. <see cref="Update"/> never reads a tensor on the host.
    /// </summary>
    public sealed partial class Sm3Accumulators : IDisposable
    {
        private const string Layout = "OptimDsl.Sm3Accumulators/1";

        private readonly long[] _shape;
        private readonly ScalarType _dtype;
        private readonly Tensor[] _accumulators;
        private bool _disposed;

        /// <summary>Creates zero accumulators for a parameter (shape, dtype and device are taken from <paramref name="like"/>).</summary>
        /// <param name="like">The parameter (or a tensor of its shape, dtype and device).</param>
        /// <exception cref="ArgumentNullException"><paramref name="like"/> is null.</exception>
        public Sm3Accumulators(Tensor like)
        {
            if (like is null)
            {
                throw new ArgumentNullException(nameof(like));
            }

            _shape = like.shape;
            _dtype = like.dtype;
            Device device = like.device;
            int rank = _shape.Length;
            if (rank <= 1)
            {
                _accumulators = new[] { FactoredStateIO.PersistentZeros(_shape, _dtype, device) };
            }
            else
            {
                _accumulators = new Tensor[rank];
                for (int i = 0; i < rank; i++)
                {
                    var accShape = new long[rank];
                    for (int d = 0; d < rank; d++)
                    {
                        accShape[d] = d == i ? _shape[i] : 1;
                    }

                    _accumulators[i] = FactoredStateIO.PersistentZeros(accShape, _dtype, device);
                }
            }

            Accumulators = Array.AsReadOnly(_accumulators);
        }

        // Accumulators read from a checkpoint (see ReadStaged).
        private Sm3Accumulators(long[] shape, ScalarType dtype, Tensor[] accumulators)
        {
            _shape = shape;
            _dtype = dtype;
            _accumulators = accumulators;
            Accumulators = Array.AsReadOnly(_accumulators);
        }

        /// <summary>
        /// The accumulators: for rank ≥ 2 one per dimension (index i = dimension i, TF slot <c>accumulator_i</c>), for
        /// rank ≤ 1 a single full one. The list is live: it reflects <see cref="to"/> moves.
        /// </summary>
        public IReadOnlyList<Tensor> Accumulators { get; }

        /// <summary>Total size of the accumulators in bytes (Σ numel × element size).</summary>
        public long StateBytes
        {
            get
            {
                ThrowIfDisposed();
                long total = 0;
                foreach (Tensor t in _accumulators)
                {
                    total += FactoredStateIO.Bytes(t);
                }

                return total;
            }
        }

        /// <summary>
        /// Computes this step's second-moment estimate ν and updates the accumulators in place (Enealor/PyTorch-SM3):
        /// <code>
        /// nu = acc_0 ⊓ acc_1 ⊓ …               (broadcast element-wise minimum; rank ≤ 1: a copy of the single accumulator)
        /// beta &gt; 0 : nu = beta·nu + (1−beta)·g²   (nu.mul_(beta).addcmul_(g, g, 1−beta))
        /// beta == 0: nu = nu + g²
        /// for each accumulator i: m_i = max of nu over every axis except i   (rank ≤ 1: m = nu)
        ///     beta &gt; 0 : acc_i = max(acc_i, m_i)     (never decreases)
        ///     beta == 0: acc_i = m_i                (assignment)
        /// </code>
        /// For rank ≤ 1 this gives <c>acc += g²</c> when beta = 0. When beta &gt; 0 the reference keeps
        /// <c>acc = max(acc, beta·acc + (1−beta)·g²)</c> for rank ≤ 1 too (the same <c>torch.max</c> rule), i.e. the stored
        /// accumulator does not decay; the returned ν is <c>beta·acc_old + (1−beta)·g²</c> in every case. A parameter without
        /// elements leaves its accumulators as they are (a maximum over nothing).
        /// The caller forms <c>g·rsqrt(ν + eps)</c>.
        /// </summary>
        /// <param name="grad">The dense gradient (the parameter's shape; converted to the accumulators' dtype if it differs).</param>
        /// <param name="beta">EMA coefficient in [0, 1]; 0 = plain accumulation (SM3-II).</param>
        /// <returns>
        /// ν, always a NEW tensor of the gradient's shape (never an accumulator itself, also for rank ≤ 1), owned by the
        /// caller's dispose scope; the caller may modify it in place.
        /// </returns>
        /// <exception cref="NotSupportedException">The gradient is sparse.</exception>
        /// <exception cref="ArgumentException">The gradient's shape differs from the parameter's.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> is not in [0, 1].</exception>
        public Tensor Update(Tensor grad, double beta)
        {
            ThrowIfDisposed();
            if (grad is null)
            {
                throw new ArgumentNullException(nameof(grad));
            }

            FactoredStateIO.RejectSparse(grad, "SM3");
            if (!Shapes.Equal(grad.shape, _shape))
            {
                throw new ArgumentException("SM3: gradient shape " + Shapes.Text(grad.shape) + " differs from the parameter shape " + Shapes.Text(_shape) + ".", nameof(grad));
            }

            if (!(beta >= 0 && beta <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(beta), beta, "SM3: beta must lie in [0, 1].");
            }

            using (no_grad())
            {
                Tensor g = grad.dtype == _dtype ? grad : grad.to(_dtype);

                // _compute_update: min over the accumulators (broadcast), then the new squared gradient.
                Tensor nu = _accumulators[0].clone();
                for (int i = 1; i < _accumulators.Length; i++)
                {
                    Tensor next = minimum(nu, _accumulators[i]);
                    nu.Dispose();
                    nu = next;
                }

                using Scalar decay = beta;
                using Scalar keep = 1.0 - beta;
                if (beta > 0)
                {
                    nu.mul_(decay);
                }

                nu.addcmul_(g, g, keep);
                if (nu.numel() == 0)
                {
                    // No elements, no maxima: the accumulators keep their values (as the fused path's CommitFused does).
                    return nu;
                }

                // _update_accumulator: reduce-max over every axis except i.
                int rank = _shape.Length;
                for (int i = 0; i < _accumulators.Length; i++)
                {
                    Tensor acc = _accumulators[i];
                    Tensor? reduced = rank > 1 ? nu.amax(OtherDims(rank, i), keepdim: true) : null;
                    Tensor nuMax = reduced ?? nu;
                    if (beta > 0)
                    {
                        using Tensor larger = maximum(acc, nuMax);
                        acc.copy_(larger);
                    }
                    else
                    {
                        // "No need to compare - nu_max is bigger because of grad ** 2" (reference comment).
                        acc.copy_(nuMax);
                    }

                    reduced?.Dispose();
                }

                if (!ReferenceEquals(g, grad))
                {
                    g.Dispose();
                }

                return nu;
            }
        }

        /// <summary>Writes a layout tag, the accumulator count and every accumulator's dtype, shape and raw bytes.</summary>
        /// <param name="w">The writer.</param>
        public void Save(BinaryWriter w)
        {
            ThrowIfDisposed();
            if (w is null)
            {
                throw new ArgumentNullException(nameof(w));
            }

            w.Write(Layout);
            w.Write(_accumulators.Length);
            foreach (Tensor t in _accumulators)
            {
                FactoredStateIO.Save(w, t);
            }
        }

        /// <summary>
        /// Reads what <see cref="Save"/> wrote into these accumulators (exact round trip; any device). All or nothing: the
        /// values are read into new tensors first (<see cref="ReadStaged"/>) and taken over only when all of them are valid.
        /// </summary>
        /// <param name="r">The reader.</param>
        /// <exception cref="InvalidDataException">The stream holds another layout, rank, shape or dtype; these accumulators are unchanged.</exception>
        public void Load(BinaryReader r)
        {
            using Sm3Accumulators staged = ReadStaged(r, CheckpointLocation.Standalone("SM3 accumulators"));
            for (int i = 0; i < _accumulators.Length; i++)
            {
                (_accumulators[i], staged._accumulators[i]) = (staged._accumulators[i], _accumulators[i]);
            }
        }

        /// <summary>
        /// Reads what <see cref="Save"/> wrote into NEW accumulators for the same parameter (same shapes, dtype and device as
        /// these); these are not modified. Each tensor's dtype and shape are checked before it is allocated.
        /// </summary>
        /// <param name="r">The reader.</param>
        /// <param name="at">Where the accumulators belong in a checkpoint, for messages.</param>
        /// <returns>The new accumulators; the caller owns them.</returns>
        /// <exception cref="InvalidDataException">The stream holds another layout, rank, shape or dtype.</exception>
        public Sm3Accumulators ReadStaged(BinaryReader r, CheckpointLocation at)
        {
            ThrowIfDisposed();
            if (r is null)
            {
                throw new ArgumentNullException(nameof(r));
            }

            if (at is null)
            {
                throw new ArgumentNullException(nameof(at));
            }

            CheckpointFields.ExpectTag(r, Layout, at);
            int count = r.ReadInt32();
            if (count != _accumulators.Length)
            {
                throw at.Error("SM3: the checkpoint holds " + count + " accumulators; this parameter " + Shapes.Text(_shape) + " needs " + _accumulators.Length + ".");
            }

            var read = new Tensor[count];
            try
            {
                for (int i = 0; i < count; i++)
                {
                    read[i] = CheckpointTensors.ReadStaged(r, _accumulators[i], "SM3 accumulator " + i, at);
                }
            }
            catch
            {
                foreach (Tensor? t in read)
                {
                    t?.Dispose();
                }

                throw;
            }

            return new Sm3Accumulators(_shape, _dtype, read);
        }

        /// <summary>Copies another instance's accumulator values (same parameter shape) into these; all shapes are checked before anything is copied.</summary>
        /// <param name="other">The source.</param>
        public void CopyFrom(Sm3Accumulators other)
        {
            ThrowIfDisposed();
            if (other is null)
            {
                throw new ArgumentNullException(nameof(other));
            }

            other.ThrowIfDisposed();
            bool fits = other._accumulators.Length == _accumulators.Length;
            for (int i = 0; fits && i < _accumulators.Length; i++)
            {
                fits = Shapes.Equal(other._accumulators[i].shape, _accumulators[i].shape);
            }

            if (!fits)
            {
                throw new ArgumentException("SM3: cannot copy the state of a parameter " + Shapes.Text(other._shape) + " into one of shape " + Shapes.Text(_shape) + ".", nameof(other));
            }

            for (int i = 0; i < _accumulators.Length; i++)
            {
                FactoredStateIO.CopyValues(_accumulators[i], other._accumulators[i], "SM3");
            }
        }

        /// <summary>Moves the accumulators to a device (the old storage is released when a copy was made).</summary>
        /// <param name="device">The target device.</param>
        public void to(Device device)
        {
            ThrowIfDisposed();
            if (device is null)
            {
                throw new ArgumentNullException(nameof(device));
            }

            for (int i = 0; i < _accumulators.Length; i++)
            {
                _accumulators[i] = FactoredStateIO.Move(_accumulators[i], device);
            }
        }

        /// <summary>True when both have the same number of accumulators with equal shapes and element-wise close values (torch.allclose defaults).</summary>
        /// <param name="other">The instance to compare with.</param>
        /// <returns>Whether the states are approximately equal.</returns>
        public bool ApproximatelyEquals(Sm3Accumulators other)
        {
            ThrowIfDisposed();
            if (other is null || other._disposed || other._accumulators.Length != _accumulators.Length)
            {
                return false;
            }

            for (int i = 0; i < _accumulators.Length; i++)
            {
                if (!StateTensors.Close(_accumulators[i], other._accumulators[i]))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Releases the accumulators (idempotent).</summary>
        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (Tensor t in _accumulators)
            {
                t.Dispose();
            }
        }

        private static long[] OtherDims(int rank, int keep)
        {
            var dims = new long[rank - 1];
            for (int d = 0, k = 0; d < rank; d++)
            {
                if (d != keep)
                {
                    dims[k++] = d;
                }
            }

            return dims;
        }

        private void ThrowIfDisposed()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(Sm3Accumulators));
            }
        }
    }
}
