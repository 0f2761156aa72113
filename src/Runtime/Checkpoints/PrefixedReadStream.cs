using System;
using System.IO;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// A read-only stream that yields some bytes already taken from an inner stream, then the inner stream: how a reader
    /// that had to look at the first bytes of a checkpoint (to tell the frame from an older, unframed checkpoint) puts
    /// them back, also on streams that cannot seek.
    /// </summary>
    internal sealed class PrefixedReadStream : Stream
    {
        private readonly byte[] _prefix;
        private readonly Stream _inner;
        private int _next;

        /// <summary>Creates the stream.</summary>
        /// <param name="prefix">The bytes to yield first.</param>
        /// <param name="inner">The stream they were taken from.</param>
        public PrefixedReadStream(byte[] prefix, Stream inner)
        {
            _prefix = prefix;
            _inner = inner;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_next < _prefix.Length)
            {
                int n = Math.Min(buffer.Length, _prefix.Length - _next);
                _prefix.AsSpan(_next, n).CopyTo(buffer);
                _next += n;
                return n;
            }

            return _inner.Read(buffer);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
