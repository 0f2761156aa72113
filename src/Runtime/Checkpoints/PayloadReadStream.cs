using System;
using System.IO;
using System.IO.Hashing;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// A read-only view of the next <see cref="Length"/> bytes of an inner stream (a checkpoint's payload) that hashes
    /// (XxHash64) everything read through it. It ends after <see cref="Length"/> bytes, or earlier when the inner stream does
    /// (then <see cref="Truncated"/> is true); it never reads past the payload, so what follows stays in the inner stream.
    /// </summary>
    internal sealed class PayloadReadStream : Stream
    {
        private readonly Stream _inner;
        private readonly XxHash64 _hash = new();
        private long _read;

        /// <summary>Creates the view.</summary>
        /// <param name="inner">The stream, positioned at the payload's first byte.</param>
        /// <param name="length">The payload's length in bytes, as its header announces.</param>
        public PayloadReadStream(Stream inner, long length)
        {
            _inner = inner;
            Length = length;
        }

        /// <summary>The announced payload length.</summary>
        public override long Length { get; }

        /// <summary>Bytes read (and hashed) so far.</summary>
        public long BytesRead => _read;

        /// <summary>Bytes of the payload not read yet.</summary>
        public long Remaining => Length - _read;

        /// <summary>True once the inner stream ended before <see cref="Length"/> bytes.</summary>
        public bool Truncated { get; private set; }

        /// <summary>XxHash64 (seed 0) of the bytes read so far.</summary>
        public ulong Hash => _hash.GetCurrentHashAsUInt64();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (Remaining <= 0 || buffer.Length == 0)
            {
                return 0;
            }

            Span<byte> target = buffer.Length > Remaining ? buffer.Slice(0, (int)Remaining) : buffer;
            int n = _inner.Read(target);
            if (n == 0)
            {
                Truncated = true;
                return 0;
            }

            _hash.Append(target.Slice(0, n));
            _read += n;
            return n;
        }

        public override int ReadByte()
        {
            Span<byte> one = stackalloc byte[1];
            return Read(one) == 1 ? one[0] : -1;
        }

        /// <summary>Reads (and hashes) the rest of the payload, or until the inner stream ends.</summary>
        public void Drain()
        {
            var buffer = new byte[1 << 16];
            while (Read(buffer, 0, buffer.Length) > 0)
            {
            }

            if (Remaining > 0)
            {
                Truncated = true;
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
