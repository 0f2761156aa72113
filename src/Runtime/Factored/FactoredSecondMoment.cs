using System;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// Adafactor's second-moment estimate for one parameter, as huggingface/transformers <c>Adafactor</c>
    /// (<c>src/transformers/optimization.py</c>): factored into a row factor <c>R</c> (shape <c>shape[:-1]</c>) and a
    /// column factor <c>C</c> (shape <c>shape[:-2] + shape[-1:]</c>) when the parameter has rank ≥ 2 (leading
    /// dimensions are batched, the factorisation is over the last two), a full tensor <c>V</c> otherwise.
    /// <para>
    /// State dtype: the parameter's dtype, except float16/bfloat16 parameters, whose state is float32 (the reference
    /// upcasts the gradient to float32 before creating its state and does all the math in float32). The state lives on the
    /// parameter's device, starts at zero and is detached from every dispose scope. <see cref="Precondition"/> never reads a
    /// tensor on the host.
    /// </para>
    /// </summary>
    public sealed partial class FactoredSecondMoment : IDisposable
    {
        private const string Layout = "OptimDsl.FactoredSecondMoment/1";

        private readonly long[] _shape;
        private readonly ScalarType _dtype;
        private Tensor? _row;
        private Tensor? _col;
        private Tensor? _full;
        private bool _disposed;

        /// <summary>Creates zero state for a parameter (shape, dtype and device are taken from <paramref name="like"/>).</summary>
        /// <param name="like">The parameter (or a tensor of its shape, dtype and device).</param>
        /// <exception cref="ArgumentNullException"><paramref name="like"/> is null.</exception>
        public FactoredSecondMoment(Tensor like)
        {
            if (like is null)
            {
                throw new ArgumentNullException(nameof(like));
            }

            _shape = like.shape;
            _dtype = FactoredStateIO.IsReducedPrecision(like.dtype) ? ScalarType.Float32 : like.dtype;
            Device device = like.device;
            int rank = _shape.Length;
            if (rank >= 2)
            {
                var rowShape = new long[rank - 1];
                Array.Copy(_shape, rowShape, rank - 1);
                var colShape = new long[rank - 1];
                Array.Copy(_shape, colShape, rank - 2);
                colShape[rank - 2] = _shape[rank - 1];
                _row = FactoredStateIO.PersistentZeros(rowShape, _dtype, device);
                _col = FactoredStateIO.PersistentZeros(colShape, _dtype, device);
            }
            else
            {
                _full = FactoredStateIO.PersistentZeros(_shape, _dtype, device);
            }
        }

        // State read from a checkpoint (see ReadStaged).
        private FactoredSecondMoment(long[] shape, ScalarType dtype, Tensor? row, Tensor? col, Tensor? full)
        {
            _shape = shape;
            _dtype = dtype;
            _row = row;
            _col = col;
            _full = full;
        }

        /// <summary>True when the parameter has rank ≥ 2 (row and column factors); false: one full accumulator.</summary>
        public bool IsFactored => _row is not null;

        /// <summary>Row factor (HF <c>exp_avg_sq_row</c>, shape <c>shape[:-1]</c>); null when not factored.</summary>
        public Tensor? Row => _row;

        /// <summary>Column factor (HF <c>exp_avg_sq_col</c>, shape <c>shape[:-2] + shape[-1:]</c>); null when not factored.</summary>
        public Tensor? Col => _col;

        /// <summary>Full second moment (HF <c>exp_avg_sq</c>, the parameter's shape); null when factored.</summary>
        public Tensor? Full => _full;

        /// <summary>The dtype of the state and of <see cref="Precondition"/>'s result (float32 for float16/bfloat16 parameters).</summary>
        public ScalarType StateDtype => _dtype;

        /// <summary>Total size of the state in bytes (Σ numel × element size).</summary>
        public long StateBytes
        {
            get
            {
                ThrowIfDisposed();
                return FactoredStateIO.Bytes(_row) + FactoredStateIO.Bytes(_col) + FactoredStateIO.Bytes(_full);
            }
        }

        /// <summary>
        /// Updates the second moment and returns the preconditioned gradient, in HF's operation order:
        /// <code>
        /// u = g**2 + eps1
        /// factored:   R.mul_(beta2t).add_(u.mean(-1), alpha: 1−beta2t);  C.mul_(beta2t).add_(u.mean(-2), alpha: 1−beta2t)
        ///             r = (R / R.mean(-1, keepdim)).rsqrt_().unsqueeze(-1);  c = C.unsqueeze(-2).rsqrt()
        ///             return mul(r, c).mul_(g)                                   (_approx_sq_grad, then update.mul_(grad))
        /// unfactored: V.mul_(beta2t).add_(u, alpha: 1−beta2t);  return V.rsqrt().mul_(g)
        /// </code>
        /// A float16/bfloat16 gradient is upcast to float32 first (as HF does). A parameter without elements has no statistics:
        /// its factors keep their values (HF's means over no rows or columns would make them NaN) and the update is empty.
        /// </summary>
        /// <param name="grad">The dense gradient (the parameter's shape).</param>
        /// <param name="beta2t">This step's decay, <see cref="AdafactorMath.Beta2"/> (0 at step 1).</param>
        /// <param name="eps1">Regularisation added to g² (HF <c>eps[0]</c>, default 1e-30).</param>
        /// <returns>A NEW tensor of the gradient's shape in <see cref="StateDtype"/>, owned by the caller's dispose scope.</returns>
        /// <exception cref="NotSupportedException">The gradient is sparse.</exception>
        /// <exception cref="ArgumentException">The gradient's shape differs from the parameter's.</exception>
        public Tensor Precondition(Tensor grad, double beta2t, double eps1)
        {
            ThrowIfDisposed();
            if (grad is null)
            {
                throw new ArgumentNullException(nameof(grad));
            }

            FactoredStateIO.RejectSparse(grad, "Adafactor");
            if (!Shapes.Equal(grad.shape, _shape))
            {
                throw new ArgumentException("Adafactor: gradient shape " + Shapes.Text(grad.shape) + " differs from the parameter shape " + Shapes.Text(_shape) + ".", nameof(grad));
            }

            using (no_grad())
            {
                Tensor g = grad.dtype == _dtype ? grad : grad.to(_dtype);
                if (g.numel() == 0)
                {
                    return zeros_like(g);
                }

                using Scalar two = 2;
                using Scalar regulariser = eps1;
                using Scalar decay = beta2t;
                using Scalar keep = 1.0 - beta2t;
                Tensor update;
                using (Tensor u = g.pow(two).add_(regulariser, alpha: Scalars.One))
                {
                    if (_row is not null)
                    {
                        using (Tensor rowMean = u.mean(new long[] { -1 }))
                        {
                            _row.mul_(decay).add_(rowMean, alpha: keep);
                        }

                        using (Tensor colMean = u.mean(new long[] { -2 }))
                        {
                            _col!.mul_(decay).add_(colMean, alpha: keep);
                        }

                        using Tensor rowNorm = _row.mean(new long[] { -1 }, keepdim: true);
                        using Tensor ratio = _row.div(rowNorm);
                        using Tensor rFactor = ratio.rsqrt_().unsqueeze(-1);
                        using Tensor colView = _col.unsqueeze(-2);
                        using Tensor cFactor = colView.rsqrt();
                        update = mul(rFactor, cFactor);
                        update.mul_(g);
                    }
                    else
                    {
                        _full!.mul_(decay).add_(u, alpha: keep);
                        update = _full.rsqrt().mul_(g);
                    }
                }

                if (!ReferenceEquals(g, grad))
                {
                    g.Dispose();
                }

                return update;
            }
        }

        /// <summary>Writes a layout tag, the factored flag and the state tensors (dtype, shape and raw bytes).</summary>
        /// <param name="w">The writer.</param>
        public void Save(BinaryWriter w)
        {
            ThrowIfDisposed();
            if (w is null)
            {
                throw new ArgumentNullException(nameof(w));
            }

            w.Write(Layout);
            w.Write(IsFactored);
            if (IsFactored)
            {
                FactoredStateIO.Save(w, _row!);
                FactoredStateIO.Save(w, _col!);
            }
            else
            {
                FactoredStateIO.Save(w, _full!);
            }
        }

        /// <summary>
        /// Reads what <see cref="Save"/> wrote into this state (exact round trip; any device). All or nothing: the values
        /// are read into new tensors first (<see cref="ReadStaged"/>) and taken over only when all of them are valid.
        /// </summary>
        /// <param name="r">The reader.</param>
        /// <exception cref="InvalidDataException">The stream holds another layout, factorisation, shape or dtype; this state is unchanged.</exception>
        public void Load(BinaryReader r)
        {
            using FactoredSecondMoment staged = ReadStaged(r, CheckpointLocation.Standalone("an Adafactor second moment"));
            (_row, staged._row) = (staged._row, _row);
            (_col, staged._col) = (staged._col, _col);
            (_full, staged._full) = (staged._full, _full);
        }

        /// <summary>
        /// Reads what <see cref="Save"/> wrote into a NEW state for the same parameter (same factorisation, shapes, dtype and
        /// device as this one); this one is not modified. Each tensor's dtype and shape are checked before it is allocated.
        /// </summary>
        /// <param name="r">The reader.</param>
        /// <param name="at">Where the state belongs in a checkpoint, for messages.</param>
        /// <returns>The new state; the caller owns it.</returns>
        /// <exception cref="InvalidDataException">The stream holds another layout, factorisation, shape or dtype.</exception>
        public FactoredSecondMoment ReadStaged(BinaryReader r, CheckpointLocation at)
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
            bool factored = CheckpointFields.ReadBoolean(r, "factored", at);
            if (factored != IsFactored)
            {
                throw at.Error("Adafactor: the checkpoint holds " + (factored ? "a factored" : "an unfactored") + " second moment, this parameter " + Shapes.Text(_shape) + " needs " + (IsFactored ? "a factored" : "an unfactored") + " one.");
            }

            Tensor? row = null;
            Tensor? col = null;
            Tensor? full = null;
            try
            {
                if (IsFactored)
                {
                    row = CheckpointTensors.ReadStaged(r, _row!, "exp_avg_sq_row", at);
                    col = CheckpointTensors.ReadStaged(r, _col!, "exp_avg_sq_col", at);
                }
                else
                {
                    full = CheckpointTensors.ReadStaged(r, _full!, "exp_avg_sq", at);
                }
            }
            catch
            {
                row?.Dispose();
                col?.Dispose();
                throw;
            }

            return new FactoredSecondMoment(_shape, _dtype, row, col, full);
        }

        /// <summary>Copies another instance's state values (same parameter shape) into this one; all shapes are checked before anything is copied.</summary>
        /// <param name="other">The source.</param>
        public void CopyFrom(FactoredSecondMoment other)
        {
            ThrowIfDisposed();
            if (other is null)
            {
                throw new ArgumentNullException(nameof(other));
            }

            other.ThrowIfDisposed();
            bool fits = other.IsFactored == IsFactored
                && (IsFactored
                    ? Shapes.Equal(other._row!.shape, _row!.shape) && Shapes.Equal(other._col!.shape, _col!.shape)
                    : Shapes.Equal(other._full!.shape, _full!.shape));
            if (!fits)
            {
                throw new ArgumentException("Adafactor: cannot copy the state of a parameter " + Shapes.Text(other._shape) + " into one of shape " + Shapes.Text(_shape) + ".", nameof(other));
            }

            if (IsFactored)
            {
                FactoredStateIO.CopyValues(_row!, other._row!, "Adafactor");
                FactoredStateIO.CopyValues(_col!, other._col!, "Adafactor");
            }
            else
            {
                FactoredStateIO.CopyValues(_full!, other._full!, "Adafactor");
            }
        }

        /// <summary>Moves the state to a device (the old storage is released when a copy was made).</summary>
        /// <param name="device">The target device.</param>
        public void to(Device device)
        {
            ThrowIfDisposed();
            if (device is null)
            {
                throw new ArgumentNullException(nameof(device));
            }

            if (_row is not null)
            {
                _row = FactoredStateIO.Move(_row, device);
            }

            if (_col is not null)
            {
                _col = FactoredStateIO.Move(_col, device);
            }

            if (_full is not null)
            {
                _full = FactoredStateIO.Move(_full, device);
            }
        }

        /// <summary>True when both have the same factorisation, equal shapes and element-wise close values (torch.allclose defaults).</summary>
        /// <param name="other">The instance to compare with.</param>
        /// <returns>Whether the states are approximately equal.</returns>
        public bool ApproximatelyEquals(FactoredSecondMoment other)
        {
            ThrowIfDisposed();
            if (other is null || other._disposed || other.IsFactored != IsFactored)
            {
                return false;
            }

            return StateTensors.Close(_row, other._row) && StateTensors.Close(_col, other._col) && StateTensors.Close(_full, other._full);
        }

        /// <summary>Releases the state tensors (idempotent).</summary>
        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _row?.Dispose();
            _col?.Dispose();
            _full?.Dispose();
        }

        private void ThrowIfDisposed()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(FactoredSecondMoment));
            }
        }
    }
}
