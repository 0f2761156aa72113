using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.Text;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// The integrity frame of an OptimDsl checkpoint: a 28-byte header, then the payload it describes.
    /// <code>
    /// offset  size  field
    ///      0     8  magic           89 4F 44 53 4C 43 4B 50  ("\x89ODSLCKP"; the first byte can start no older record)
    ///      8     4  version         int32, little-endian: 1
    ///     12     8  payload length  int64, little-endian, in bytes
    ///     20     8  checksum        uint64, little-endian: XxHash64 (seed 0) of the payload
    ///     28     …  payload
    /// </code>
    /// A reader parses the payload while hashing it and commits nothing until the whole payload has been read and its
    /// length and checksum agree; when parsing fails, it reads (and hashes) the rest of the payload first, so that a damaged
    /// checkpoint is reported as damaged (truncated, or a checksum mismatch) rather than by whatever the damage made it look like.
    /// </summary>
    internal static class CheckpointFrame
    {
        /// <summary>The current frame version.</summary>
        public const int Version = 1;

        /// <summary>Bytes before the payload.</summary>
        public const int HeaderLength = 28;

        /// <summary>The first bytes of every frame.</summary>
        public static ReadOnlySpan<byte> Magic => new byte[] { 0x89, 0x4F, 0x44, 0x53, 0x4C, 0x43, 0x4B, 0x50 };

        /// <summary>
        /// Writes a frame: the header, then what <paramref name="writePayload"/> writes. A seekable stream gets the payload in
        /// one pass and the header's length and checksum afterwards; otherwise the payload is produced twice (measured, then
        /// written), and the two passes must agree.
        /// </summary>
        /// <param name="output">The stream, positioned where the frame goes.</param>
        /// <param name="writePayload">Writes the payload (UTF-8 strings) to the writer it is given.</param>
        public static void Write(Stream output, Action<BinaryWriter> writePayload)
        {
            if (output.CanSeek)
            {
                long start = output.Position;
                WriteHeader(output, 0, 0);
                var hashing = new HashingWriteStream(output);
                WritePayload(hashing, writePayload);
                long end = output.Position;
                output.Position = start;
                WriteHeader(output, hashing.Count, hashing.Hash);
                output.Position = end;
                return;
            }

            var measured = new HashingWriteStream(null);
            WritePayload(measured, writePayload);
            WriteHeader(output, measured.Count, measured.Hash);
            var written = new HashingWriteStream(output);
            WritePayload(written, writePayload);
            if (written.Count != measured.Count || written.Hash != measured.Hash)
            {
                throw new InvalidOperationException("The optimizer's state changed while it was being saved (the two passes over a stream that cannot seek differ); the checkpoint written is invalid.");
            }
        }

        /// <summary>
        /// Reads a frame whose first magic byte has already been taken from <paramref name="input"/>: checks the header,
        /// parses the payload with <paramref name="parse"/>, and returns its result only when the payload is complete and
        /// intact; otherwise disposes the result and throws (via <paramref name="at"/>).
        /// </summary>
        /// <typeparam name="T">What the payload is parsed into (staged state, disposed on failure).</typeparam>
        /// <param name="input">The stream, positioned right after the first magic byte.</param>
        /// <param name="at">The checkpoint's location, for messages.</param>
        /// <param name="parse">Parses the payload from the reader it is given (UTF-8 strings).</param>
        public static T Read<T>(Stream input, CheckpointLocation at, Func<BinaryReader, T> parse)
            where T : class, IDisposable
        {
            var header = new byte[HeaderLength];
            header[0] = Magic[0];
            int got = 1 + input.ReadAtLeast(header.AsSpan(1), HeaderLength - 1, throwOnEndOfStream: false);
            if (!header.AsSpan(1, Math.Min(got, 8) - 1).SequenceEqual(Magic.Slice(1, Math.Min(got, 8) - 1)))
            {
                throw at.Error("not an OptimDsl checkpoint: expected the frame magic " + CheckpointText.Hex(Magic) + ", found " + CheckpointText.Hex(header.AsSpan(0, Math.Min(got, 8))) + ".");
            }

            if (got < HeaderLength)
            {
                throw at.Error("the checkpoint is truncated: it ends after " + got + " of the " + HeaderLength + " bytes of its frame header.");
            }

            int version = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8));
            if (version != Version)
            {
                throw at.Error("the checkpoint frame has version " + version + "; this OptimDsl reads version " + Version
                    + (version > Version ? " (the checkpoint was written by a newer OptimDsl)." : "."));
            }

            long length = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(12));
            ulong checksum = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(20));
            if (length < 0)
            {
                throw at.Error("the checkpoint is corrupt: its frame header announces a payload of " + length + " bytes.");
            }

            var payload = new PayloadReadStream(input, length);
            T result;
            try
            {
                using var reader = new BinaryReader(payload, Encoding.UTF8, leaveOpen: true);
                result = parse(reader);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Damage explains the failure better than its symptom: report it if there is any.
                payload.Drain();
                CheckIntact(payload, checksum, at, e);
                throw;
            }

            try
            {
                if (payload.Remaining > 0)
                {
                    long unread = payload.Remaining;
                    payload.Drain();
                    CheckIntact(payload, checksum, at, null);
                    throw at.Error("the checkpoint's payload holds " + CheckpointText.Plural(unread, "byte") + " after its last record; expected it to end there.");
                }

                CheckIntact(payload, checksum, at, null);
                return result;
            }
            catch
            {
                result.Dispose();
                throw;
            }
        }

        private static void CheckIntact(PayloadReadStream payload, ulong checksum, CheckpointLocation at, Exception? symptom)
        {
            if (payload.Truncated)
            {
                throw at.Error("the checkpoint is truncated: its frame header announces a payload of " + CheckpointText.Plural(payload.Length, "byte")
                    + ", but the data ends after " + CheckpointText.Count(payload.BytesRead) + ".", symptom);
            }

            if (payload.Hash != checksum)
            {
                throw at.Error("the checkpoint is corrupt: its " + CheckpointText.Count(payload.Length) + "-byte payload has the XxHash64 checksum "
                    + Hex64(payload.Hash) + ", but its frame header records " + Hex64(checksum) + " (the data was changed after it was written).", symptom);
            }
        }

        private static string Hex64(ulong value) => "0x" + value.ToString("X16", CultureInfo.InvariantCulture);

        private static void WriteHeader(Stream output, long length, ulong checksum)
        {
            Span<byte> header = stackalloc byte[HeaderLength];
            Magic.CopyTo(header);
            BinaryPrimitives.WriteInt32LittleEndian(header.Slice(8), Version);
            BinaryPrimitives.WriteInt64LittleEndian(header.Slice(12), length);
            BinaryPrimitives.WriteUInt64LittleEndian(header.Slice(20), checksum);
            output.Write(header);
        }

        private static void WritePayload(HashingWriteStream stream, Action<BinaryWriter> writePayload)
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writePayload(writer);
            writer.Flush();
        }
    }
}
