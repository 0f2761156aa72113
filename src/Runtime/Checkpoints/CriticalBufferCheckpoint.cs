using System;
using System.Globalization;
using System.IO;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// The critical-buffer part of a generated state record: a presence flag, then the buffer (<see cref="CriticalBuffer.Save"/>).
    /// Reading it checks that the buffer is there exactly when the checkpoint's own options switch it on (kappa), that it is
    /// there exactly when this optimizer's is (a checkpoint cannot switch a buffer on or off: its memory is chosen when the
    /// optimizer is created), and that its capacity is this optimizer's and the checkpoint's topC.
    /// </summary>
    public static class CriticalBufferCheckpoint
    {
        /// <summary>Writes the presence flag and, when there is one, the buffer.</summary>
        /// <param name="writer">The writer.</param>
        /// <param name="buffer">The buffer, or null while it is switched off.</param>
        public static void Write(BinaryWriter writer, CriticalBuffer? buffer)
        {
            writer.Write(buffer is not null);
            buffer?.Save(writer);
        }

        /// <summary>Reads what <see cref="Write"/> wrote into a new buffer configured like <paramref name="live"/> (or null), after the checks above.</summary>
        /// <param name="reader">The reader.</param>
        /// <param name="live">This optimizer's buffer for the parameter, or null when it is switched off.</param>
        /// <param name="switchedOn">Whether the checkpoint's options switch the buffer on (null when the options are unknown).</param>
        /// <param name="kappa">The checkpoint's kappa (null when unknown), for messages.</param>
        /// <param name="topC">The checkpoint's topC (null when unknown).</param>
        /// <param name="at">The record's location.</param>
        /// <returns>The new buffer (the caller owns it), or null.</returns>
        public static CriticalBuffer? ReadStaged(BinaryReader reader, CriticalBuffer? live, bool? switchedOn, double? kappa, int? topC, CheckpointLocation at)
        {
            if (reader is null)
            {
                throw new ArgumentNullException(nameof(reader));
            }

            if (at is null)
            {
                throw new ArgumentNullException(nameof(at));
            }

            bool present = CheckpointFields.ReadBoolean(reader, "critical buffer is present", at);
            string kappaText = kappa is null ? "its kappa" : "kappa = " + kappa.Value.ToString("R", CultureInfo.InvariantCulture);
            if (switchedOn is not null && present != switchedOn)
            {
                throw at.Error("the checkpoint's options (" + kappaText + ") switch the critical buffer " + (switchedOn.Value ? "on" : "off")
                    + ", but its state " + (present ? "holds a buffer" : "holds none") + " (the checkpoint is inconsistent).");
            }

            if (present && live is null)
            {
                throw at.Error("the checkpoint holds a critical buffer (" + kappaText + " switches it on), but this optimizer's buffer is switched off by its kappa. "
                    + "Create the optimizer with " + (kappa is null ? "the checkpoint's kappa" : "kappa: " + kappa.Value.ToString("R", CultureInfo.InvariantCulture))
                    + (topC is null ? string.Empty : " and topC: " + topC.Value.ToString(CultureInfo.InvariantCulture)) + " to load this checkpoint.");
            }

            if (!present && live is not null)
            {
                throw at.Error("the checkpoint has no critical buffer (" + kappaText + " switches it off), but this optimizer's buffer is on (topC = " + live.Capacity + "). "
                    + "Create the optimizer with " + (kappa is null ? "the checkpoint's kappa" : "kappa: " + kappa.Value.ToString("R", CultureInfo.InvariantCulture)) + " to load this checkpoint.");
            }

            if (!present)
            {
                return null;
            }

            CriticalBuffer staged = live!.ReadStaged(reader, at);
            if (topC is not null && topC.Value != staged.Capacity)
            {
                staged.Dispose();
                throw at.Error("the checkpoint's options have topC = " + topC.Value + ", but its critical buffer holds " + staged.Capacity + " entries (the checkpoint is inconsistent).");
            }

            return staged;
        }
    }
}
