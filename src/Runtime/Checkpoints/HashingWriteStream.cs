using System;
using System.IO;
using System.IO.Hashing;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// A write-only stream that counts and hashes (XxHash64) everything written to it and passes it on to an inner stream,
    /// or nowhere (to measure a payload before writing its header to a stream that cannot seek).
    /// </summary>
    internal sealed class HashingWriteStream : Stream
    {
        private readonly Stream? _inner;
        private readonly XxHash64 _hash = new();

        /// <summary>Creates the stream.</summary>
        /// <param name="inner">Where the bytes go; null to only count and hash them.</param>
        public HashingWriteStream(Stream? inner) => _inner = inner;

        /// <summary>Bytes written so far.</summary>
        public long Count { get; private set; }

        /// <summary>XxHash64 (seed 0) of the bytes written so far.</summary>
        public ulong Hash => _hash.GetCurrentHashAsUInt64();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => Count;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.Append(buffer);
            Count += buffer.Length;
            _inner?.Write(buffer);
        }

        public override void WriteByte(byte value) => Write(new ReadOnlySpan<byte>(in value));

        public override void Flush() => _inner?.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
