using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// Save, move and compare helpers for the persistent state tensors of generated optimizers (reading them back from a
    /// checkpoint is <see cref="CheckpointTensors"/>'s job).
    /// </summary>
    public static class StateTensors
    {
        /// <summary>
        /// Writes a tensor's dtype, shape and values (TorchSharp's tensor format: the elements in row-major order). TorchSharp
        /// reads the elements from contiguous memory only, so a non-contiguous tensor (the state of a transposed or sliced
        /// parameter, which <c>zeros_like</c> creates with the parameter's strides) is written through a contiguous copy.
        /// </summary>
        /// <param name="writer">The writer.</param>
        /// <param name="tensor">The tensor.</param>
        public static void Save(BinaryWriter writer, Tensor tensor)
        {
            if (tensor.is_contiguous())
            {
                tensor.Save(writer);
                return;
            }

            using Tensor copy = tensor.contiguous();
            copy.Save(writer);
        }

        /// <summary>Writes a presence flag and, when present, the tensor.</summary>
        /// <param name="writer">The writer.</param>
        /// <param name="tensor">The optional tensor.</param>
        public static void SaveOptional(BinaryWriter writer, Tensor? tensor)
        {
            writer.Write(tensor is not null);
            if (tensor is not null)
            {
                Save(writer, tensor);
            }
        }

        /// <summary>Moves a tensor to a device, disposing the old storage when a copy was made.</summary>
        /// <param name="tensor">The tensor.</param>
        /// <param name="device">The device.</param>
        /// <returns>The tensor on <paramref name="device"/>.</returns>
        public static Tensor Move(Tensor tensor, Device device)
        {
            Tensor moved = tensor.to(device);
            if (!ReferenceEquals(moved, tensor) && moved.Handle != tensor.Handle)
            {
                moved.DetachFromDisposeScope();
                tensor.Dispose();
            }

            return moved;
        }

        /// <summary>Optional-tensor overload of <see cref="Move"/>.</summary>
        /// <param name="tensor">The tensor field.</param>
        /// <param name="device">The device.</param>
        public static void MoveOptional(ref Tensor? tensor, Device device)
        {
            if (tensor is not null)
            {
                tensor = Move(tensor, device);
            }
        }

        /// <summary>
        /// True when both are absent, or both present with the same dtype and shape and element-wise close (floating:
        /// <c>allclose</c> in float64 with NaN equal to NaN; otherwise exactly equal), compared on the first tensor's device.
        /// </summary>
        /// <param name="a">First tensor.</param>
        /// <param name="b">Second tensor.</param>
        /// <returns>Whether they are approximately equal.</returns>
        public static bool Close(Tensor? a, Tensor? b)
        {
            if (a is null || b is null)
            {
                return a is null && b is null;
            }

            if (a.dtype != b.dtype || !Shapes.Equal(a.shape, b.shape))
            {
                return false;
            }

            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Tensor other = b.to(a.device);
            return a.is_floating_point()
                ? a.to(ScalarType.Float64).allclose(other.to(ScalarType.Float64), rtol: 1e-5, atol: 1e-8, equal_nan: true)
                : a.eq(other).all().item<bool>();
        }
    }
}
