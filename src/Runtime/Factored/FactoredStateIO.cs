using System;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// Shared plumbing of <see cref="Sm3Accumulators"/> and <see cref="FactoredSecondMoment"/>: allocation of persistent
    /// state, exact (byte-level) saves, copies, device moves and comparisons. Nothing here runs in the
    /// optimizer's step path except <see cref="IsReducedPrecision"/>, <see cref="RejectSparse"/> and
    /// <see cref="Shapes.Equal"/> (host metadata only, no tensor reads).
    /// </summary>
    internal static class FactoredStateIO
    {
        /// <summary>float16 / bfloat16: the reference code does its math in float32 for these.</summary>
        internal static bool IsReducedPrecision(ScalarType dtype) => dtype == ScalarType.Float16 || dtype == ScalarType.BFloat16;

        /// <summary>A persistent zero tensor (detached from any dispose scope, no autograd history).</summary>
        internal static Tensor PersistentZeros(long[] shape, ScalarType dtype, Device device)
        {
            using (no_grad())
            {
                return zeros(shape, dtype: dtype, device: device).DetachFromDisposeScope();
            }
        }

        internal static void RejectSparse(Tensor grad, string owner)
        {
            if (grad.is_sparse)
            {
                throw new NotSupportedException(owner + " does not support sparse gradients; pass a dense gradient (e.g. grad.to_dense()).");
            }
        }


        internal static long Bytes(Tensor? t) => t is null ? 0 : t.numel() * t.ElementSize;

        /// <summary>Writes the tensor's dtype, shape and raw bytes (TorchSharp's format; exact round trip).</summary>
        internal static void Save(BinaryWriter writer, Tensor tensor) => StateTensors.Save(writer, tensor);

        /// <summary>Copies values (any device to any device) without autograd.</summary>
        internal static void CopyValues(Tensor destination, Tensor source, string owner)
        {
            if (!Shapes.Equal(destination.shape, source.shape))
            {
                throw new ArgumentException(owner + ": cannot copy state of shape " + Shapes.Text(source.shape) + " into " + Shapes.Text(destination.shape) + ".");
            }

            using (no_grad())
            {
                destination.copy_(source);
            }
        }

        /// <summary>Moves a persistent tensor to a device; the old storage is disposed when a copy was made.</summary>
        internal static Tensor Move(Tensor tensor, Device device)
        {
            Tensor moved;
            using (no_grad())
            {
                moved = tensor.to(device);
            }

            if (!ReferenceEquals(moved, tensor) && moved.Handle != tensor.Handle)
            {
                moved.DetachFromDisposeScope();
                tensor.Dispose();
            }

            return moved;
        }

    }
}
