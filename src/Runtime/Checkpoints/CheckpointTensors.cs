using System;
using System.Collections.Generic;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// Reads the state tensors of a checkpoint record (TorchSharp's tensor format: LEB128 dtype, rank and dimensions, then the
    /// raw bytes) into NEW tensors, after checking the header against the tensor the value is for: the dtype and shape are
    /// compared before anything is allocated, so a damaged header can neither allocate a huge tensor nor be misread.
    /// The new tensors are detached from every dispose scope and placed on the device of the tensor they will replace.
    /// </summary>
    public static class CheckpointTensors
    {
        /// <summary>Bytes per read while filling a tensor.</summary>
        private const int ChunkBytes = 1 << 16;

        /// <summary>
        /// Reads a state tensor written by <see cref="StateTensors.Save"/> into a new tensor shaped, typed and placed like
        /// <paramref name="like"/>, with its strides when it is not contiguous.
        /// </summary>
        /// <param name="reader">The reader.</param>
        /// <param name="like">The live tensor (or parameter) the value is for: expected dtype, shape and device.</param>
        /// <param name="name">The state tensor's name, for the message.</param>
        /// <param name="at">The record's location.</param>
        /// <returns>The new tensor; the caller owns it.</returns>
        public static Tensor ReadStaged(BinaryReader reader, Tensor like, string name, CheckpointLocation at)
        {
            if (reader is null)
            {
                throw new ArgumentNullException(nameof(reader));
            }

            if (like is null)
            {
                throw new ArgumentNullException(nameof(like));
            }

            long[] expected = like.shape;
            ReadHeader(reader, like.dtype, expected, name, at);
            Tensor host = empty(expected, dtype: like.dtype, device: CPU).DetachFromDisposeScope();
            try
            {
                host.ReadBytesFromStream(reader.BaseStream, ChunkBytes);
                if (like.device_type == DeviceType.CPU && like.is_contiguous())
                {
                    return host;
                }

                // Another device, or the strides of a non-contiguous live tensor (the state of a transposed parameter): the
                // loaded state keeps the live layout, so the steps after a load compute exactly as they would have.
                using (no_grad())
                {
                    Tensor placed = like.is_contiguous()
                        ? host.to(like.device, copy: true).DetachFromDisposeScope()
                        : empty_like(like).copy_(host).DetachFromDisposeScope();
                    host.Dispose();
                    return placed;
                }
            }
            catch
            {
                host.Dispose();
                throw;
            }
        }

        /// <summary>Reads what <see cref="StateTensors.SaveOptional"/> wrote: a presence flag and, when set, the tensor (see <see cref="ReadStaged"/>).</summary>
        /// <param name="reader">The reader.</param>
        /// <param name="like">The live tensor if the state has one, else the parameter (optional state tensors are parameter-shaped).</param>
        /// <param name="name">The state tensor's name, for the message.</param>
        /// <param name="at">The record's location.</param>
        /// <returns>The new tensor, or null when the checkpoint has none.</returns>
        public static Tensor? ReadStagedOptional(BinaryReader reader, Tensor like, string name, CheckpointLocation at) =>
            CheckpointFields.ReadBoolean(reader, name + " is present", at) ? ReadStaged(reader, like, name, at) : null;

        /// <summary>
        /// Checks that an optional state tensor is present exactly when the checkpoint's own options create one (e.g.
        /// <c>max_exp_avg_sq</c> with <c>amsgrad</c>); a record that disagrees with its options is damaged or forged.
        /// </summary>
        /// <param name="tensor">The staged tensor, or null.</param>
        /// <param name="required">Whether the checkpoint's options create the tensor.</param>
        /// <param name="name">The tensor's name.</param>
        /// <param name="condition">The condition on the options that creates it, as text (e.g. <c>amsgrad</c>).</param>
        /// <param name="at">The record's location.</param>
        public static void ExpectPresence(Tensor? tensor, bool required, string name, string condition, CheckpointLocation at)
        {
            if ((tensor is not null) != required)
            {
                throw at.Error(required
                    ? "the checkpoint's options create the state tensor '" + name + "' (" + condition + "), but its state has none (the checkpoint is inconsistent)."
                    : "the checkpoint's options do not create the state tensor '" + name + "' (" + condition + " does not hold), but its state has one (the checkpoint is inconsistent).");
            }
        }

        /// <summary>Reads and checks a tensor header (dtype, rank, dimensions) against the expected dtype and shape.</summary>
        internal static void ReadHeader(BinaryReader reader, ScalarType dtype, long[] shape, string name, CheckpointLocation at)
        {
            string what = "the state tensor '" + name + "'";
            var raw = new List<byte>();
            long? code = CheckpointFields.TryReadLeb128(reader, long.MaxValue, raw);
            ScalarType? found = code is null ? null : CheckpointFields.ToScalarType(code.Value);
            if (found is null)
            {
                throw at.Error(what + " starts with bytes " + CheckpointText.Hex(raw.ToArray()) + ", which are no TorchSharp dtype; expected "
                    + CheckpointText.Dtype(dtype) + " " + CheckpointText.Shape(shape) + ".");
            }

            if (found != dtype)
            {
                throw at.Error(what + " is " + CheckpointText.Dtype(found.Value) + " in the checkpoint; expected " + CheckpointText.Dtype(dtype) + ".");
            }

            long? rank = CheckpointFields.TryReadLeb128(reader, 64);
            if (rank is null)
            {
                throw at.Error(what + " has an invalid rank in the checkpoint; expected the shape " + CheckpointText.Shape(shape) + ".");
            }

            var dims = new long[rank.Value];
            for (int i = 0; i < dims.Length; i++)
            {
                dims[i] = CheckpointFields.TryReadLeb128(reader, long.MaxValue)
                    ?? throw at.Error(what + " has an invalid dimension in the checkpoint; expected the shape " + CheckpointText.Shape(shape) + ".");
            }

            if (!Shapes.Equal(dims, shape))
            {
                throw at.Error(what + " has the shape " + CheckpointText.Shape(dims) + " in the checkpoint; expected " + CheckpointText.Shape(shape) + ".");
            }
        }
    }
}
