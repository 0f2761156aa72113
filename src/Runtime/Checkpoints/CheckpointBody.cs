using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using TorchSharp;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// What follows TorchSharp's header in an OptimDsl checkpoint: the frame (see <see cref="CheckpointFrame"/>) around the
    /// payload
    /// <code>
    /// string  layout tag (the optimizer's StateFormat)
    /// int32   number of parameter groups G, int32 number of parameters S
    /// int32   × G   parameters per group
    /// per parameter: int32 rank, int64 × rank dimensions, int32 dtype   (the parameter's shape and dtype when saved)
    /// G options records, then S state records (each starting with the layout tag; see the generated WriteRecord)
    /// </code>
    /// Checkpoints written before the frame existed hold the records alone, right after TorchSharp's header; they are
    /// still read (with the same checks, but without length and checksum).
    /// </summary>
    internal static class CheckpointBody
    {
        /// <summary>Writes the payload.</summary>
        public static void WritePayload(BinaryWriter writer, CheckpointLayout live, string format)
        {
            writer.Write(format);
            writer.Write(live.Options.Length);
            writer.Write(live.States.Length);
            foreach (int size in live.GroupSizes)
            {
                writer.Write(size);
            }

            foreach (ICheckpointState state in live.States)
            {
                long[] shape = state.Parameter.shape;
                writer.Write(shape.Length);
                foreach (long d in shape)
                {
                    writer.Write(d);
                }

                writer.Write((int)state.Parameter.dtype);
            }

            foreach (ICheckpointOptions options in live.Options)
            {
                options.WriteRecord(writer);
            }

            foreach (ICheckpointState state in live.States)
            {
                state.WriteRecord(writer);
            }
        }

        /// <summary>
        /// Reads and checks everything after TorchSharp's header (whose type name and counts matched the live optimizer) into
        /// a staged checkpoint; the live optimizer is not modified.
        /// </summary>
        /// <param name="input">The stream, right after TorchSharp's header.</param>
        /// <param name="live">The live optimizer.</param>
        /// <param name="format">The optimizer's layout tag.</param>
        /// <param name="at">The checkpoint's location.</param>
        public static StagedCheckpoint Stage(Stream input, CheckpointLayout live, string format, CheckpointLocation at)
        {
            int first = input.ReadByte();
            if (first < 0)
            {
                throw at.Error("the checkpoint is truncated: it ends right after TorchSharp's header; expected OptimDsl's checkpoint frame ("
                    + CheckpointText.Hex(CheckpointFrame.Magic) + ") there.");
            }

            if (first == CheckpointFrame.Magic[0])
            {
                return CheckpointFrame.Read(input, at, reader =>
                {
                    ReadPayloadHeader(reader, live, format, at);
                    return StageRecords(reader, live, at);
                });
            }

            // No frame: either a checkpoint written before the frame existed (the records alone, the first starting with the
            // layout tag), or something else, e.g. a checkpoint of TorchSharp's built-in optimizer of the same name.
            var peek = new PrefixedReadStream(new[] { (byte)first }, input);
            List<byte> raw;
            string? tag;
            using (var tagReader = new BinaryReader(peek, Encoding.UTF8, leaveOpen: true))
            {
                try
                {
                    tag = CheckpointFields.TryReadTag(tagReader, out raw);
                }
                catch (EndOfStreamException)
                {
                    raw = new List<byte> { (byte)first };
                    tag = null;
                }

                if (tag is null || !tag.StartsWith("OptimDsl/", StringComparison.Ordinal))
                {
                    throw NotOptimDsl(tagReader, raw, live, format, at);
                }
            }

            using var records = new BinaryReader(new PrefixedReadStream(raw.ToArray(), input), Encoding.UTF8, leaveOpen: true);
            return StageRecords(records, live, at);
        }

        /// <summary>Reads the group and parameter records into a staged checkpoint (disposed again if any record fails).</summary>
        private static StagedCheckpoint StageRecords(BinaryReader reader, CheckpointLayout live, CheckpointLocation at)
        {
            var staged = new StagedCheckpoint(live);
            try
            {
                for (int g = 0; g < live.Options.Length; g++)
                {
                    CheckpointLocation groupAt = at.ForGroup(g);
                    staged.SetOptions(g, Guard(groupAt, () => live.Options[g].ReadStaged(reader, groupAt)));
                }

                for (int i = 0; i < live.States.Length; i++)
                {
                    CheckpointLocation stateAt = live.At(at, i);
                    TorchSharp.Modules.OptimizerOptions? options = staged.OptionsOf(live.GroupOf[i]);
                    staged.SetState(i, Guard(stateAt, () => live.States[i].ReadStaged(reader, options, stateAt)));
                }

                return staged;
            }
            catch
            {
                staged.Dispose();
                throw;
            }
        }

        /// <summary>Turns the end of the data inside a record into a message that names the record.</summary>
        private static T Guard<T>(CheckpointLocation at, Func<T> read)
        {
            try
            {
                return read();
            }
            catch (EndOfStreamException e)
            {
                throw at.Error("the checkpoint ends inside this record (it is truncated).", e);
            }
        }

        private static void ReadPayloadHeader(BinaryReader reader, CheckpointLayout live, string format, CheckpointLocation at)
        {
            CheckpointFields.ExpectTag(reader, format, at);
            int groups = reader.ReadInt32();
            int states = reader.ReadInt32();
            if (groups != live.Options.Length || states != live.States.Length)
            {
                throw at.Error("the checkpoint's payload holds " + CheckpointEnvelope.Counts(groups, states) + ", its header "
                    + CheckpointEnvelope.Counts(live.Options.Length, live.States.Length) + " (the checkpoint is inconsistent).");
            }

            var sizes = new int[groups];
            for (int g = 0; g < groups; g++)
            {
                sizes[g] = reader.ReadInt32();
            }

            if (!sizes.SequenceEqual(live.GroupSizes))
            {
                throw at.Error("the checkpoint's parameter groups hold [" + string.Join(", ", sizes) + "] parameters; this optimizer's hold ["
                    + string.Join(", ", live.GroupSizes) + "]. Create the optimizer over the same parameter groups as the one that was saved.");
            }

            for (int i = 0; i < states; i++)
            {
                CheckpointLocation stateAt = live.At(at, i);
                int rank = reader.ReadInt32();
                if (rank < 0 || rank > 64)
                {
                    throw stateAt.Error("the checkpoint records the parameter's rank as " + rank + " (the checkpoint is inconsistent).");
                }

                var shape = new long[rank];
                for (int d = 0; d < rank; d++)
                {
                    shape[d] = reader.ReadInt64();
                }

                int code = reader.ReadInt32();
                torch.ScalarType? dtype = CheckpointFields.ToScalarType(code);
                torch.Tensor parameter = live.States[i].Parameter;
                if (!Shapes.Equal(shape, parameter.shape) || dtype != parameter.dtype)
                {
                    throw stateAt.Error("the checkpoint was saved for a parameter of shape " + CheckpointText.Shape(shape) + " and dtype "
                        + (dtype is null ? "code " + code : CheckpointText.Dtype(dtype.Value)) + "; this optimizer's parameter has the shape "
                        + CheckpointText.Shape(parameter.shape) + " and dtype " + CheckpointText.Dtype(parameter.dtype)
                        + ". Create the optimizer over parameters of the saved shapes and dtypes.");
                }
            }
        }

        private static Exception NotOptimDsl(BinaryReader reader, List<byte> raw, CheckpointLayout live, string format, CheckpointLocation at)
        {
            // Show a few more bytes than the tag reader needed, if there are any.
            try
            {
                raw.AddRange(reader.ReadBytes(Math.Max(0, CheckpointText.ShownBytes - raw.Count)));
            }
            catch (IOException)
            {
            }

            string prefix = format.Substring(0, format.LastIndexOf('/') + 1);
            return at.Error("not an OptimDsl checkpoint: after TorchSharp's header (" + CheckpointEnvelope.Counts(live.Options.Length, live.States.Length)
                + ") OptimDsl expects its checkpoint frame (" + CheckpointText.Hex(CheckpointFrame.Magic) + ") or a record with the layout "
                + CheckpointText.Quote(prefix + "…") + ", but found bytes " + CheckpointText.Hex(raw.ToArray())
                + ". TorchSharp's built-in optimizers write their options there (learning rates first): a checkpoint of TorchSharp's own "
                + at.Optimizer + " (or of another library's optimizer of that name) cannot be loaded into this one.");
        }
    }
}
