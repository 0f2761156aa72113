using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// TorchSharp's optimizer checkpoint header, as <c>OptimizerHelper.save_state_dict</c> writes it: the optimizer's type
    /// name (a length-prefixed UTF-8 string), then the numbers of parameter groups and of parameter states (LEB128). Written
    /// byte for byte as TorchSharp does, so that both TorchSharp's own <c>load_state_dict</c> and OptimDsl's read every
    /// checkpoint; read strictly here, with messages that never show raw bytes as text.
    /// </summary>
    internal static class CheckpointEnvelope
    {
        /// <summary>Writes the header.</summary>
        public static void Write(BinaryWriter writer, string typeName, int groups, int states)
        {
            byte[] name = CheckpointText.StrictUtf8.GetBytes(typeName);
            writer.Write7BitEncodedInt(name.Length);
            writer.Write(name);
            CheckpointFields.WriteLeb128(writer, groups);
            CheckpointFields.WriteLeb128(writer, states);
        }

        /// <summary>Reads the header and checks it against the live optimizer.</summary>
        /// <param name="reader">The reader, at the checkpoint's first byte.</param>
        /// <param name="typeName">The optimizer's type name (what TorchSharp writes).</param>
        /// <param name="fullName">The optimizer's full type name, for messages.</param>
        /// <param name="groups">The optimizer's number of parameter groups.</param>
        /// <param name="states">The optimizer's number of parameters.</param>
        /// <param name="at">The checkpoint's location.</param>
        public static void Read(BinaryReader reader, string typeName, string fullName, int groups, int states, CheckpointLocation at)
        {
            string? found;
            List<byte> raw;
            try
            {
                found = CheckpointFields.TryReadTag(reader, out raw);
            }
            catch (EndOfStreamException e)
            {
                throw at.Error("the checkpoint is empty or ends inside TorchSharp's header; expected the optimizer's type name " + CheckpointText.Quote(typeName) + " first.", e);
            }

            if (found != typeName)
            {
                throw found is not null && found.Length > 0 && found.All(IsTypeNameCharacter)
                    ? at.Error("the checkpoint was written by an optimizer of type " + CheckpointText.Quote(found) + ", not " + CheckpointText.Quote(typeName)
                        + " (" + fullName + "); load it into an optimizer of type " + CheckpointText.Quote(found) + ".")
                    : at.Error("not an optimizer checkpoint: expected TorchSharp's header, starting with the type name " + CheckpointText.Quote(typeName)
                        + ", found bytes " + CheckpointText.Hex(raw.ToArray()) + ".");
            }

            long? savedGroups;
            long? savedStates;
            try
            {
                savedGroups = CheckpointFields.TryReadLeb128(reader, int.MaxValue);
                savedStates = savedGroups is null ? null : CheckpointFields.TryReadLeb128(reader, int.MaxValue);
            }
            catch (EndOfStreamException e)
            {
                throw at.Error("the checkpoint is truncated: it ends inside TorchSharp's header (after the type name).", e);
            }

            if (savedGroups is null || savedStates is null)
            {
                throw at.Error("the checkpoint is corrupt: TorchSharp's header holds no valid numbers of parameter groups and parameters after the type name.");
            }

            if (savedGroups != groups || savedStates != states)
            {
                throw at.Error("the checkpoint holds " + Counts(savedGroups.Value, savedStates.Value) + "; this optimizer has " + Counts(groups, states)
                    + ". Create the optimizer over the same parameter groups as the one that was saved.");
            }
        }

        /// <summary>"2 parameter groups and 5 parameters".</summary>
        public static string Counts(long groups, long states) =>
            CheckpointText.Plural(groups, "parameter group") + " and " + CheckpointText.Plural(states, "parameter");

        private static bool IsTypeNameCharacter(char c) => char.IsLetterOrDigit(c) || c is '_' or '.' or '+' or '`' or '<' or '>' or ',';
    }
}
