using System;
using System.Text;

namespace OptimDsl.Generator.Emission
{
    /// <summary>A minimal indented text writer (4 spaces, '\n' newlines) for emitting readable C#.</summary>
    internal sealed class CodeWriter
    {
        private readonly StringBuilder _text = new();
        private int _indent;

        public CodeWriter Line(string line = "")
        {
            if (line.Length > 0)
            {
                _text.Append(' ', _indent * 4);
            }

            _text.Append(line).Append('\n');
            return this;
        }

        public CodeWriter Lines(string block)
        {
            foreach (string line in block.Split('\n'))
            {
                Line(line.TrimEnd('\r'));
            }

            return this;
        }

        public IDisposable Block(string header)
        {
            Line(header);
            Line("{");
            _indent++;
            return new Closer(this);
        }

        /// <summary>An opening brace (after a header written line by line), closed on dispose.</summary>
        public IDisposable Braces()
        {
            Line("{");
            _indent++;
            return new Closer(this);
        }

        public void Indent() => _indent++;

        public void Outdent() => _indent--;

        public override string ToString() => _text.ToString();

        private sealed class Closer : IDisposable
        {
            private readonly CodeWriter _writer;

            public Closer(CodeWriter writer) => _writer = writer;

            public void Dispose()
            {
                _writer._indent--;
                _writer.Line("}");
            }
        }
    }
}
