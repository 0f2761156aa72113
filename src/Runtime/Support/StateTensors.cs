using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>Save, load, copy and move helpers for the persistent state tensors of generated optimizers.</summary>
    public static class StateTensors
    {
        /// <summary>Writes a tensor's values.</summary>
        /// <param name="writer">The writer.</param>
        /// <param name="tensor">The tensor.</param>
        public static void Save(BinaryWriter writer, Tensor tensor) => tensor.Save(writer);

        /// <summary>Reads values saved by <see cref="Save"/> into an existing tensor of the same shape.</summary>
        /// <param name="reader">The reader.</param>
        /// <param name="tensor">The destination.</param>
        public static void Load(BinaryReader reader, Tensor tensor)
        {
            using (no_grad())
            {
                TensorExtensionMethods.Load(tensor, reader, false);
            }
        }

        /// <summary>Writes a presence flag and, when present, the tensor.</summary>
        /// <param name="writer">The writer.</param>
        /// <param name="tensor">The optional tensor.</param>
        public static void SaveOptional(BinaryWriter writer, Tensor? tensor)
        {
            writer.Write(tensor is not null);
            tensor?.Save(writer);
        }

        /// <summary>Reads what <see cref="SaveOptional"/> wrote, creating or disposing the destination as needed.</summary>
        /// <param name="reader">The reader.</param>
        /// <param name="tensor">The destination field.</param>
        /// <param name="like">The parameter the state belongs to (shape, dtype, device).</param>
        public static void LoadOptional(BinaryReader reader, ref Tensor? tensor, Tensor like)
        {
            if (reader.ReadBoolean())
            {
                tensor ??= zeros_like(like).DetachFromDisposeScope();
                Load(reader, tensor);
            }
            else
            {
                tensor?.Dispose();
                tensor = null;
            }
        }

        /// <summary>Copies an optional tensor's values (creating or disposing the destination as needed).</summary>
        /// <param name="tensor">The destination field.</param>
        /// <param name="source">The source, or null.</param>
        /// <param name="like">The parameter the state belongs to.</param>
        public static void CopyOptional(ref Tensor? tensor, Tensor? source, Tensor like)
        {
            if (source is null)
            {
                tensor?.Dispose();
                tensor = null;
                return;
            }

            tensor ??= zeros_like(like).DetachFromDisposeScope();
            using (no_grad())
            {
                tensor.copy_(source);
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

        /// <summary>Checks the layout tag written by a generated optimizer.</summary>
        /// <param name="reader">The reader.</param>
        /// <param name="expected">The expected tag.</param>
        /// <exception cref="InvalidDataException">The checkpoint has another layout.</exception>
        public static void ExpectFormat(BinaryReader reader, string expected)
        {
            // The tag comes first in every record, before anything is applied, so a foreign checkpoint (for instance one of
            // TorchSharp's built-in optimizer with the same type name) is rejected without modifying the optimizer.
            string found;
            try
            {
                found = reader.ReadString();
            }
            catch (System.Exception e) when (e is EndOfStreamException or IOException or System.FormatException or System.ArgumentException)
            {
                throw new InvalidDataException("Not an OptimDsl checkpoint: expected layout '" + expected + "'.", e);
            }

            if (found != expected)
            {
                throw new InvalidDataException("The checkpoint was written by an optimizer with layout '" + found + "', not '" + expected + "'.");
            }
        }

        /// <summary>Writes an optional dtype.</summary>
        /// <param name="writer">The writer.</param>
        /// <param name="dtype">The dtype, or null.</param>
        public static void WriteScalarType(BinaryWriter writer, ScalarType? dtype)
        {
            writer.Write(dtype.HasValue);
            if (dtype.HasValue)
            {
                writer.Write((int)dtype.Value);
            }
        }

        /// <summary>Reads what <see cref="WriteScalarType"/> wrote.</summary>
        /// <param name="reader">The reader.</param>
        /// <returns>The dtype, or null.</returns>
        public static ScalarType? ReadScalarType(BinaryReader reader) => reader.ReadBoolean() ? (ScalarType)reader.ReadInt32() : null;
    }
}
