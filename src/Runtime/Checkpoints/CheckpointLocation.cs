using System;
using System.IO;
using TorchSharp;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// Where a checkpoint record belongs (optimizer, source, parameter group, parameter) and by which route it arrived; turns a
    /// finding into the exception of that route, with a message that starts with the place, e.g.
    /// <c>Loading Adam_CM from 'run/opt.bin', group 0, parameter 1 (the optimizer's parameter 1, shape [5, 3], float32): …</c>.
    /// A checkpoint read from a file or stream fails with <see cref="InvalidDataException"/>; a
    /// <c>StateDictionary</c> passed to <c>load_state_dict</c> fails with <see cref="ArgumentException"/> (parameter
    /// <c>state_dict</c>), since there the argument is what is wrong.
    /// </summary>
    public sealed class CheckpointLocation
    {
        private readonly string _source;

        private CheckpointLocation(string optimizer, string source, bool fromStateDictionary, int group, int position, int index, long[]? shape, torch.ScalarType? dtype)
        {
            Optimizer = optimizer;
            _source = source;
            FromStateDictionary = fromStateDictionary;
            Group = group;
            Position = position;
            Index = index;
            Shape = shape;
            Dtype = dtype;
        }

        /// <summary>The optimizer's type name.</summary>
        public string Optimizer { get; }

        /// <summary>True for <c>load_state_dict(StateDictionary)</c>: failures are <see cref="ArgumentException"/>s.</summary>
        public bool FromStateDictionary { get; }

        /// <summary>The parameter group's index, or -1 when the location is the whole checkpoint.</summary>
        public int Group { get; }

        /// <summary>The parameter's position in its group, or -1 for the group's options (or the whole checkpoint).</summary>
        public int Position { get; }

        /// <summary>The parameter's position in the optimizer (over all groups), or -1.</summary>
        public int Index { get; }

        /// <summary>The live parameter's shape, when the location is a parameter.</summary>
        public long[]? Shape { get; }

        /// <summary>The live parameter's dtype, when the location is a parameter.</summary>
        public torch.ScalarType? Dtype { get; }

        /// <summary>The place as text, e.g. <c>Loading Adam from a stream, group 0, parameter 2 (the optimizer's parameter 2, shape [4], float32)</c>.</summary>
        public string Describe()
        {
            string text = "Loading " + Optimizer + (_source.Length == 0 ? string.Empty : " " + _source);
            if (Group >= 0)
            {
                text += ", group " + Group;
            }

            if (Position >= 0)
            {
                text += ", parameter " + Position + " (the optimizer's parameter " + Index
                    + (Shape is null ? string.Empty : ", shape " + CheckpointText.Shape(Shape))
                    + (Dtype is null ? string.Empty : ", " + CheckpointText.Dtype(Dtype.Value)) + ")";
            }
            else if (Group >= 0)
            {
                text += ", options";
            }

            return text;
        }

        /// <summary>The exception for a finding at this place: <see cref="InvalidDataException"/>, or <see cref="ArgumentException"/> for a state dictionary.</summary>
        /// <param name="message">What is wrong and what was expected (one or more sentences).</param>
        /// <param name="inner">The underlying exception, if any.</param>
        public Exception Error(string message, Exception? inner = null)
        {
            string text = Describe() + ": " + message;
            return FromStateDictionary ? new ArgumentException(text, "state_dict", inner) : new InvalidDataException(text, inner);
        }

        /// <summary>A location for a runtime object loaded on its own (e.g. <c>Sm3Accumulators.Load</c>), outside any optimizer checkpoint.</summary>
        /// <param name="what">What is being loaded, e.g. "SM3 accumulators" (messages start "Loading SM3 accumulators: ").</param>
        public static CheckpointLocation Standalone(string what) => new(what, string.Empty, false, -1, -1, -1, null, null);

        /// <summary>The whole checkpoint of an optimizer read from a stream.</summary>
        internal static CheckpointLocation OfStream(string optimizer) => new(optimizer, "from a stream", false, -1, -1, -1, null, null);

        /// <summary>The whole checkpoint of an optimizer read from a file.</summary>
        internal static CheckpointLocation OfFile(string optimizer, string path) => new(optimizer, "from " + CheckpointText.Quote(path), false, -1, -1, -1, null, null);

        /// <summary>A state dictionary passed to an optimizer's <c>load_state_dict</c>.</summary>
        internal static CheckpointLocation OfStateDictionary(string optimizer) => new(optimizer, "from a state_dict", true, -1, -1, -1, null, null);

        /// <summary>The options of parameter group <paramref name="group"/>.</summary>
        internal CheckpointLocation ForGroup(int group) => new(Optimizer, _source, FromStateDictionary, group, -1, -1, null, null);

        /// <summary>One parameter's state.</summary>
        internal CheckpointLocation ForParameter(int group, int position, int index, torch.Tensor parameter) =>
            new(Optimizer, _source, FromStateDictionary, group, position, index, parameter.shape, parameter.dtype);
    }
}
