using System;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// Host reads and bit-exact (de)serialisation of the critical buffers' tensors. Every method here synchronises with the
    /// device: they are only used by <c>Save</c>, <c>Load</c>, <c>ApproximatelyEquals</c> and the inspection (<c>Snapshot</c>),
    /// never by <c>Aggregate</c>/<c>Offer</c>/<c>DecayPriorities</c>/<c>DropOlderThan</c> of the slot buffer.
    /// </summary>
    internal static class CriticalTensorIO
    {
        private const int TensorMagic = 0x43425431; // "CBT1"

        /// <summary>Writes dtype, shape and the raw bytes of <paramref name="tensor"/> (null allowed).</summary>
        public static void WriteTensor(BinaryWriter writer, Tensor? tensor)
        {
            writer.Write(TensorMagic);
            writer.Write(tensor is not null);
            if (tensor is null)
            {
                return;
            }

            using var scope = NewDisposeScope();
            WriteDtype(writer, tensor.dtype);
            writer.Write(tensor.shape.Length);
            foreach (var d in tensor.shape)
            {
                writer.Write(d);
            }

            var host = tensor.cpu().contiguous();
            ReadOnlySpan<byte> bytes = host.bytes;
            writer.Write(bytes.Length);
            writer.Write(bytes);
        }

        /// <summary>
        /// Reads a tensor written by <see cref="WriteTensor"/>, placed on <paramref name="device"/> and detached from any dispose
        /// scope. Its shape must be <paramref name="expectedShape"/> and its byte count must match its shape and dtype, both
        /// checked before anything is allocated or read.
        /// </summary>
        public static Tensor? ReadTensor(BinaryReader reader, Device device, long[] expectedShape, string name)
        {
            if (reader.ReadInt32() != TensorMagic)
            {
                throw new InvalidDataException("Corrupt critical buffer state: tensor marker not found.");
            }

            if (!reader.ReadBoolean())
            {
                return null;
            }

            var dtype = ReadDtype(reader);
            int ndim = reader.ReadInt32();
            if (ndim < 0 || ndim > 64)
            {
                throw new InvalidDataException("Corrupt critical buffer state: bad tensor rank " + ndim + ".");
            }

            var shape = new long[ndim];
            for (int i = 0; i < ndim; i++)
            {
                shape[i] = reader.ReadInt64();
            }

            if (!Shapes.Equal(shape, expectedShape))
            {
                throw new InvalidDataException("Corrupt critical buffer state: the " + name + " tensor has the shape " + Shapes.Text(shape) + ", expected " + Shapes.Text(expectedShape) + ".");
            }

            int length = reader.ReadInt32();
            Tensor result;
            using (var scope = NewDisposeScope())
            {
                var host = empty(shape, dtype: dtype);
                Span<byte> bytes = host.bytes;
                if (bytes.Length != length)
                {
                    throw new InvalidDataException("Corrupt critical buffer state: the " + name + " tensor's byte count " + length + " does not match its shape and dtype (" + bytes.Length + ").");
                }

                reader.BaseStream.ReadExactly(bytes);
                result = host.to(device, copy: true);
                result.MoveToOuterDisposeScope();
            }

            return result.DetachFromDisposeScope();
        }

        /// <summary>Host copy of a floating tensor, as doubles (one read).</summary>
        public static double[] ReadDoubles(Tensor tensor)
        {
            using var scope = NewDisposeScope();
            return tensor.to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        }

        /// <summary>Host copy of an integer or boolean tensor, as longs (one read).</summary>
        public static long[] ReadLongs(Tensor tensor)
        {
            using var scope = NewDisposeScope();
            return tensor.to(ScalarType.Int64).cpu().contiguous().data<long>().ToArray();
        }

        public static void WriteDtype(BinaryWriter writer, ScalarType dtype) => writer.Write((int)dtype);

        public static ScalarType ReadDtype(BinaryReader reader)
        {
            int value = reader.ReadInt32();
            if (value < sbyte.MinValue || value > sbyte.MaxValue || !Enum.IsDefined(typeof(ScalarType), (sbyte)value))
            {
                throw new InvalidDataException("Corrupt critical buffer state: unknown dtype " + value + ".");
            }

            return (ScalarType)value;
        }

        public static bool Close(double a, double b) =>
            a.Equals(b) || Math.Abs(a - b) <= 1e-8 + 1e-5 * Math.Abs(b);
    }
}
