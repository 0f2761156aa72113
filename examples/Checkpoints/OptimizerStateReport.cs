using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using OptimDsl.Optimizers;
using OptimDsl.Runtime;

namespace OptimDsl.Examples.Checkpoints
{
    /// <summary>
    /// What the optimizer holds for one parameter, and what it costs in the checkpoint.
    /// </summary>
    /// <param name="Name">The parameter's name in the model.</param>
    /// <param name="Shape">Its shape.</param>
    /// <param name="Step">Steps it has taken.</param>
    /// <param name="RecordBytes">Bytes of its state record in the checkpoint's payload.</param>
    /// <param name="MomentBytes">Raw bytes of <c>exp_avg</c> and <c>exp_avg_sq</c>.</param>
    /// <param name="BufferBytes">Raw bytes of the critical buffer's entries and running sum.</param>
    /// <param name="Buffer">The critical buffer's snapshot (null while the buffer is switched off, kappa = 0).</param>
    internal sealed record ParameterState(string Name, long[] Shape, long Step, long RecordBytes, long MomentBytes, long BufferBytes,
        CriticalBufferSnapshot? Buffer)
    {
        /// <summary>The rest of the record: layout tags, counters, shapes, priorities, insertion steps, occupancy, random state.</summary>
        public long BookkeepingBytes => RecordBytes - MomentBytes - BufferBytes;
    }

    /// <summary>Reads a run's optimizer state per parameter, the way a user would: through <c>state_dict()</c>.</summary>
    internal static class OptimizerStateReport
    {
        /// <summary>
        /// One row per parameter, in <c>named_parameters()</c> order. <c>optimizer.state_dict().State[i]</c> is the live
        /// state of parameter i (TorchSharp lists the states themselves, not copies), here a
        /// <see cref="CriticalMomentaAdam.State"/> whose <c>critical</c> field is its buffer.
        /// </summary>
        /// <param name="run">The run.</param>
        public static IReadOnlyList<ParameterState> Of(ResumableRun run)
        {
            var names = run.Model.named_parameters().Select(p => p.name).ToArray();
            var states = run.Optimizer.state_dict().State.Cast<CriticalMomentaAdam.State>().ToArray();
            var rows = new List<ParameterState>();
            for (int i = 0; i < states.Length; i++)
            {
                CriticalMomentaAdam.State state = states[i];
                long moments = Bytes(state.exp_avg) + Bytes(state.exp_avg_sq);
                CriticalBufferSnapshot? buffer = state.critical?.Snapshot();

                // The entries ([topC, *shape]) and the running sum (one entry's worth, in the parameter's dtype).
                long bufferBytes = state.critical is null ? 0 : Bytes(state.critical.Values) + Bytes(state.exp_avg);
                rows.Add(new ParameterState(names[i], state.exp_avg.shape, state.step, RecordBytes(state), moments, bufferBytes, buffer));
            }

            return rows;
        }

        /// <summary>Bytes of each parameter group's options record in the checkpoint's payload.</summary>
        /// <param name="run">The run.</param>
        public static long[] OptionsRecordBytes(ResumableRun run) =>
            run.Optimizer.state_dict().Options.Select(o => RecordBytes((ICheckpointRecord)o)).ToArray();

        // The size of a record as the checkpoint writes it (every record is written by ICheckpointRecord.WriteRecord).
        private static long RecordBytes(ICheckpointRecord record)
        {
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                record.WriteRecord(writer);
            }

            return stream.Length;
        }

        private static long Bytes(TorchSharp.torch.Tensor tensor) => tensor.numel() * tensor.element_size();
    }
}
