using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Hashing;
using System.Text;
using static TorchSharp.torch;

namespace OptimDsl.Examples.Checkpoints
{
    /// <summary>One region of a checkpoint file: where it is, which part of the file it belongs to and what it holds.</summary>
    /// <param name="Offset">First byte, from the start of the file.</param>
    /// <param name="Length">Bytes.</param>
    /// <param name="Part">The part of the file: the example's header, the model, TorchSharp's header, OptimDsl's frame, the payload.</param>
    /// <param name="Content">What the bytes say.</param>
    internal sealed record FileRegion(long Offset, long Length, string Part, string Content);

    /// <summary>
    /// A checkpoint file of this example taken apart byte by byte, without TorchSharp or OptimDsl (only the formats of
    /// docs/CHECKPOINTS.md): the example's header, the model's tensors, then the optimizer's checkpoint — TorchSharp's
    /// header, OptimDsl's frame (magic, version, payload length, XxHash64 checksum, recomputed here), the payload's header
    /// and its records.
    /// </summary>
    internal sealed class CheckpointAnatomy
    {
        private readonly List<FileRegion> _regions = new();

        private CheckpointAnatomy(long fileLength) => FileLength = fileLength;

        /// <summary>The file's length in bytes.</summary>
        public long FileLength { get; }

        /// <summary>The regions, in file order; together they cover the whole file.</summary>
        public IReadOnlyList<FileRegion> Regions => _regions;

        /// <summary>Where the optimizer's checkpoint starts (TorchSharp's header).</summary>
        public long OptimizerOffset { get; private set; }

        /// <summary>The payload length the frame records.</summary>
        public long PayloadLength { get; private set; }

        /// <summary>The checksum the frame records.</summary>
        public ulong RecordedChecksum { get; private set; }

        /// <summary>XxHash64 (seed 0) of the payload as it is in the file.</summary>
        public ulong ComputedChecksum { get; private set; }

        /// <summary>The optimizer's layout tag, the first field of the payload.</summary>
        public string LayoutTag { get; private set; } = "";

        /// <summary>Bytes of the payload's records (every group's options, then every parameter's state), after its header.</summary>
        public long RecordsLength { get; private set; }

        /// <summary>Takes the checkpoint file at <paramref name="path"/> apart.</summary>
        /// <param name="path">A checkpoint written by <see cref="TrainingCheckpoint.Save"/>.</param>
        /// <exception cref="InvalidDataException">The file does not have the layout of this example's checkpoints.</exception>
        public static CheckpointAnatomy Read(string path)
        {
            byte[] bytes = File.ReadAllBytes(path);
            var anatomy = new CheckpointAnatomy(bytes.Length);
            try
            {
                anatomy.Parse(bytes);
            }
            catch (Exception e) when (e is EndOfStreamException || e is ArgumentException)
            {
                throw new InvalidDataException($"'{path}' does not have the layout of this example's checkpoints: {e.Message}", e);
            }

            return anatomy;
        }

        private void Parse(byte[] bytes)
        {
            using var stream = new MemoryStream(bytes, writable: false);
            using var reader = new BinaryReader(stream, Encoding.UTF8);

            // The example's header.
            string magic = reader.ReadString();
            int version = reader.ReadInt32();
            int completed = reader.ReadInt32();
            int epochs = reader.ReadInt32();
            int seed = reader.ReadInt32();
            double lr = reader.ReadDouble();
            Add(0, stream.Position, "example header",
                $"\"{magic}\", version {version}, after epoch {completed} of {epochs}, seed {seed}, lr {Number(lr)}");

            // The model: TorchSharp's Module.save.
            long start = stream.Position;
            long count = Leb128(reader);
            var tensors = new List<string>();
            for (long i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                tensors.Add(name + " " + SkipTensor(reader));
            }

            Add(start, stream.Position - start, "model", $"TorchSharp Module.save: {count} tensors ({string.Join(", ", tensors)})");

            // The optimizer: TorchSharp's header ...
            OptimizerOffset = stream.Position;
            string type = reader.ReadString();
            long groups = Leb128(reader);
            long states = Leb128(reader);
            Add(OptimizerOffset, stream.Position - OptimizerOffset, "optimizer: TorchSharp header",
                $"type name \"{type}\", {groups} parameter group(s), {states} parameters (LEB128)");

            // ... OptimDsl's frame ...
            long frame = stream.Position;
            byte[] frameMagic = reader.ReadBytes(8);
            Add(frame, 8, "optimizer: OptimDsl frame", "magic " + Convert.ToHexString(frameMagic) + " (\\x89ODSLCKP)");
            Add(frame + 8, 4, "optimizer: OptimDsl frame", $"frame version {reader.ReadInt32()}");
            PayloadLength = reader.ReadInt64();
            Add(frame + 12, 8, "optimizer: OptimDsl frame", $"payload length {PayloadLength:N0} bytes");
            RecordedChecksum = reader.ReadUInt64();
            long payloadStart = stream.Position;
            if (PayloadLength < 0 || PayloadLength > bytes.Length - payloadStart)
            {
                throw new EndOfStreamException($"the frame records a payload of {PayloadLength} bytes, but {bytes.Length - payloadStart} follow it.");
            }

            ComputedChecksum = XxHash64.HashToUInt64(bytes.AsSpan((int)payloadStart, (int)PayloadLength));
            Add(frame + 20, 8, "optimizer: OptimDsl frame",
                $"XxHash64 of the payload 0x{RecordedChecksum:X16}; recomputed from the file: 0x{ComputedChecksum:X16} ({(RecordedChecksum == ComputedChecksum ? "intact" : "DAMAGED")})");

            // ... and the payload: its header, then the records.
            LayoutTag = reader.ReadString();
            int payloadGroups = reader.ReadInt32();
            int payloadStates = reader.ReadInt32();
            var sizes = new int[payloadGroups];
            for (int g = 0; g < payloadGroups; g++)
            {
                sizes[g] = reader.ReadInt32();
            }

            var shapes = new List<string>();
            for (int i = 0; i < payloadStates; i++)
            {
                int rank = reader.ReadInt32();
                var shape = new long[rank];
                for (int d = 0; d < rank; d++)
                {
                    shape[d] = reader.ReadInt64();
                }

                shapes.Add($"[{string.Join(", ", shape)}] {(ScalarType)reader.ReadInt32()}");
            }

            Add(payloadStart, stream.Position - payloadStart, "optimizer: payload header",
                $"layout tag \"{LayoutTag}\", {payloadGroups} group(s) of [{string.Join(", ", sizes)}] parameters, each parameter's shape and dtype: {string.Join("; ", shapes)}");
            long records = stream.Position;
            RecordsLength = payloadStart + PayloadLength - records;
            Add(records, RecordsLength, "optimizer: payload records",
                $"{payloadGroups} options record(s) (learning rates and hyper-parameters), then {payloadStates} state records (step, exp_avg, exp_avg_sq, critical buffer)");
            stream.Position = records + RecordsLength;
            if (stream.Position != bytes.Length)
            {
                Add(stream.Position, bytes.Length - stream.Position, "after the checkpoint", "unexpected bytes: a load rejects the file");
            }
        }

        private void Add(long offset, long length, string part, string content) => _regions.Add(new FileRegion(offset, length, part, content));

        /// <summary>Skips one tensor in TorchSharp's format (LEB128 dtype, rank and dimensions, then the raw elements); describes it.</summary>
        private static string SkipTensor(BinaryReader reader)
        {
            var dtype = (ScalarType)Leb128(reader);
            long rank = Leb128(reader);
            var shape = new long[rank];
            long elements = 1;
            for (long d = 0; d < rank; d++)
            {
                shape[d] = Leb128(reader);
                elements *= shape[d];
            }

            long size;
            using (var probe = empty(0, dtype: dtype))
            {
                size = probe.element_size();
            }

            reader.BaseStream.Seek(elements * size, SeekOrigin.Current);
            if (reader.BaseStream.Position > reader.BaseStream.Length)
            {
                throw new EndOfStreamException("the model's tensors run past the end of the file.");
            }

            return $"[{string.Join(", ", shape)}]";
        }

        /// <summary>An unsigned LEB128 integer, as TorchSharp writes counts, dtypes and dimensions.</summary>
        private static long Leb128(BinaryReader reader)
        {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                byte b = reader.ReadByte();
                value |= (long)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }

            throw new ArgumentException("a LEB128 integer longer than 64 bits.");
        }

        private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
