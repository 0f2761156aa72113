using System;
using System.IO;
using System.Text;
using TorchSharp.Modules;
using StateDictionary = TorchSharp.torch.optim.Optimizer.StateDictionary;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// Saves and loads the checkpoints of one generated optimizer; every route is all-or-nothing: a load reads and checks the
    /// whole checkpoint into new objects (<see cref="StagedCheckpoint"/>) and changes the optimizer only when everything
    /// holds, by assignments that cannot fail.
    /// <para>
    /// A checkpoint is TorchSharp's header (<see cref="CheckpointEnvelope"/>: type name, numbers of groups and parameters) followed,
    /// where TorchSharp asks the first group's options for their record, by OptimDsl's frame (<see cref="CheckpointFrame"/>: magic,
    /// version, payload length, XxHash64 checksum) around ALL the records (<see cref="CheckpointBody"/>). The generated class
    /// hides TorchSharp's non-virtual <c>save_state_dict</c>/<c>load_state_dict</c> with methods that call
    /// <see cref="Save(BinaryWriter)"/>, <see cref="Load(BinaryReader)"/> and the file overloads here; a call through an
    /// <c>OptimizerHelper</c> reference runs TorchSharp's methods instead, which write and read the same bytes through the
    /// records' hooks (<see cref="SaveRecord"/>, <see cref="LoadRecord"/>): the first group's options handle the whole frame and
    /// the other records' calls are absorbed. That route has the same frame, checks and atomicity; only TorchSharp's own header
    /// is then checked by TorchSharp (its messages, and <c>ArgumentException</c> for other counts), and bytes after a file's
    /// checkpoint are not looked at.
    /// </para>
    /// </summary>
    public sealed class OptimizerCheckpoint
    {
        private readonly OptimizerHelper _optimizer;
        private int _pendingSaveRecords;
        private int _pendingLoadRecords;

        /// <summary>Creates the coordinator of a generated optimizer.</summary>
        /// <param name="optimizer">The optimizer; its options and states implement <see cref="ICheckpointOptions"/> and <see cref="ICheckpointState"/>.</param>
        /// <param name="format">The optimizer's layout tag (its <c>StateFormat</c>).</param>
        public OptimizerCheckpoint(OptimizerHelper optimizer, string format)
        {
            _optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
            Format = format ?? throw new ArgumentNullException(nameof(format));
        }

        /// <summary>The optimizer's layout tag.</summary>
        public string Format { get; }

        private string TypeName => _optimizer.GetType().Name;

        /// <summary>Makes <paramref name="record"/> (a group's options or a parameter's state) part of this optimizer's checkpoints.</summary>
        /// <param name="record">The record.</param>
        /// <exception cref="ArgumentException">The record already belongs to another optimizer (options objects cannot be shared between optimizers).</exception>
        public void Attach(ICheckpointRecord record)
        {
            if (record is null)
            {
                throw new ArgumentNullException(nameof(record));
            }

            if (record.Owner is { } owner && !ReferenceEquals(owner, this))
            {
                throw new ArgumentException(
                    "This " + record.GetType().Name + " object already belongs to a parameter group of another " + owner.TypeName
                    + " optimizer (add_param_group fills in its unset values and checkpoints it with that optimizer); give each optimizer its own.",
                    "param_group");
            }

            record.Owner = this;
        }

        /// <summary>
        /// Writes the checkpoint to a file, atomically: into a temporary file in the same folder, flushed to disk, then moved
        /// over <paramref name="location"/>; a failure leaves any previous file there untouched.
        /// </summary>
        /// <param name="location">The file's path.</param>
        public void Save(string location)
        {
            if (location is null)
            {
                throw new ArgumentNullException(nameof(location));
            }

            string path = Path.GetFullPath(location);
            string temporary = Path.Combine(Path.GetDirectoryName(path) ?? ".", "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
                    {
                        Save(writer);
                    }

                    stream.Flush(flushToDisk: true);
                }

                File.Move(temporary, path, overwrite: true);
            }
            catch
            {
                try
                {
                    File.Delete(temporary);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }

                throw;
            }
        }

        /// <summary>Writes the checkpoint: TorchSharp's header, then (when there is a parameter group) OptimDsl's frame with every record.</summary>
        /// <param name="writer">The writer; the checkpoint starts at its stream's position.</param>
        public void Save(BinaryWriter writer)
        {
            if (writer is null)
            {
                throw new ArgumentNullException(nameof(writer));
            }

            CheckpointLayout live = CheckpointLayout.Of(_optimizer);
            CheckpointEnvelope.Write(writer, TypeName, live.Options.Length, live.States.Length);
            if (live.Options.Length > 0)
            {
                WriteFrame(writer, live);
            }

            writer.Flush();
        }

        /// <summary>
        /// Loads a checkpoint file: all of it is checked (TorchSharp's header, the frame's length and checksum, every record, and
        /// that the file ends where the checkpoint does) before the optimizer changes.
        /// </summary>
        /// <param name="location">The file's path.</param>
        /// <exception cref="InvalidDataException">The file is not a checkpoint of this optimizer, is damaged, or does not fit it; nothing was changed.</exception>
        public void Load(string location)
        {
            if (location is null)
            {
                throw new ArgumentNullException(nameof(location));
            }

            CheckpointLocation at = CheckpointLocation.OfFile(TypeName, location);
            using var stream = new FileStream(location, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            CheckpointLayout live = CheckpointLayout.Of(_optimizer);
            using StagedCheckpoint? staged = Stage(reader, live, at);
            long trailing = stream.Length - stream.Position;
            if (trailing > 0)
            {
                throw at.Error("the file goes on for " + CheckpointText.Plural(trailing, "byte") + " after the end of the checkpoint (at offset "
                    + CheckpointText.Count(stream.Position) + "); expected it to end there.");
            }

            staged?.Commit();
        }

        /// <summary>
        /// Loads a checkpoint from a stream: all of it is checked before the optimizer changes; the stream is left right after
        /// the checkpoint (what follows is the caller's).
        /// </summary>
        /// <param name="reader">The reader, at the checkpoint's first byte.</param>
        /// <exception cref="InvalidDataException">The data is not a checkpoint of this optimizer, is damaged, or does not fit it; nothing was changed.</exception>
        public void Load(BinaryReader reader)
        {
            if (reader is null)
            {
                throw new ArgumentNullException(nameof(reader));
            }

            CheckpointLayout live = CheckpointLayout.Of(_optimizer);
            using StagedCheckpoint? staged = Stage(reader, live, CheckpointLocation.OfStream(TypeName));
            staged?.Commit();
        }

        /// <summary>
        /// <c>load_state_dict(StateDictionary)</c>: makes this optimizer's options and states copies of another optimizer's of
        /// the same type (the records are written to memory and read back, with every check of a checkpoint); records that are
        /// this optimizer's own are skipped, as TorchSharp does.
        /// </summary>
        /// <param name="source">The other optimizer's <c>state_dict()</c>.</param>
        /// <exception cref="ArgumentException">The dictionary does not fit this optimizer; nothing was changed.</exception>
        public void Copy(StateDictionary source)
        {
            if (source is null)
            {
                throw new ArgumentNullException("state_dict");
            }

            CheckpointLocation at = CheckpointLocation.OfStateDictionary(TypeName);
            CheckpointLayout live = CheckpointLayout.Of(_optimizer);
            if (source.Options.Count != live.Options.Length || source.State.Count != live.States.Length)
            {
                throw at.Error("the state dictionary holds " + CheckpointEnvelope.Counts(source.Options.Count, source.State.Count) + "; this optimizer has "
                    + CheckpointEnvelope.Counts(live.Options.Length, live.States.Length) + ".");
            }

            for (int g = 0; g < live.Options.Length && g < source.StateIndexRef.Count; g++)
            {
                if (source.StateIndexRef[g].Count != live.GroupSizes[g])
                {
                    throw at.ForGroup(g).Error("the state dictionary's group holds " + CheckpointText.Plural(source.StateIndexRef[g].Count, "parameter")
                        + "; this optimizer's holds " + live.GroupSizes[g] + ".");
                }
            }

            using var staged = new StagedCheckpoint(live);
            for (int g = 0; g < live.Options.Length; g++)
            {
                OptimizerOptions? options = source.Options[g];
                if (!ReferenceEquals(options, live.Options[g]))
                {
                    CheckpointLocation groupAt = at.ForGroup(g);
                    ICheckpointRecord record = SameType(options, live.Options[g], groupAt);
                    staged.SetOptions(g, ThroughMemory(record, groupAt, reader => live.Options[g].ReadStaged(reader, groupAt)));
                }
            }

            for (int i = 0; i < live.States.Length; i++)
            {
                OptimizerState? state = source.State[i];
                if (!ReferenceEquals(state, live.States[i]))
                {
                    CheckpointLocation stateAt = live.At(at, i);
                    ICheckpointRecord record = SameType(state, live.States[i], stateAt);
                    OptimizerOptions options = staged.OptionsOf(live.GroupOf[i]) ?? (OptimizerOptions)live.Options[live.GroupOf[i]];
                    staged.SetState(i, ThroughMemory(record, stateAt, reader => live.States[i].ReadStaged(reader, options, stateAt)));
                }
            }

            staged.Commit();
        }

        /// <summary>
        /// TorchSharp's <c>SaveStateDict(BinaryWriter)</c> of a record. Inside TorchSharp's <c>save_state_dict</c>, the first
        /// group's options write OptimDsl's whole frame (every record) and the other records' calls write nothing; a record
        /// that belongs to no optimizer (or a state saved on its own) writes its own record.
        /// </summary>
        /// <param name="record">The record whose hook TorchSharp called.</param>
        /// <param name="writer">The writer.</param>
        public static void SaveRecord(ICheckpointRecord record, BinaryWriter writer)
        {
            if (record is null)
            {
                throw new ArgumentNullException(nameof(record));
            }

            if (writer is null)
            {
                throw new ArgumentNullException(nameof(writer));
            }

            if (record.Owner is { } owner)
            {
                owner.OnSaveRecord(record, writer);
            }
            else
            {
                record.WriteRecord(writer);
            }
        }

        /// <summary>
        /// TorchSharp's <c>LoadStateDict(BinaryReader)</c> of a record: the counterpart of <see cref="SaveRecord"/>. Inside
        /// TorchSharp's <c>load_state_dict</c>, the first group's options read, check and apply the whole checkpoint (or nothing)
        /// and the other records' calls read nothing; a record on its own is read and applied on its own, also all-or-nothing.
        /// </summary>
        /// <param name="record">The record whose hook TorchSharp called.</param>
        /// <param name="reader">The reader.</param>
        public static void LoadRecord(ICheckpointRecord record, BinaryReader reader)
        {
            if (record is null)
            {
                throw new ArgumentNullException(nameof(record));
            }

            if (reader is null)
            {
                throw new ArgumentNullException(nameof(reader));
            }

            if (record.Owner is { } owner)
            {
                owner.OnLoadRecord(record, reader);
                return;
            }

            CheckpointLocation at = CheckpointLocation.Standalone("a " + record.GetType().Name + " record on its own");
            ApplyAlone(record, at, r => Read(record, r, null, at), reader);
        }

        /// <summary>
        /// TorchSharp's <c>LoadStateDict(OptimizerState)</c> of a state on its own (an optimizer's <c>load_state_dict(StateDictionary)</c>
        /// goes through <see cref="Copy"/>): a checked copy of <paramref name="source"/>, applied only when it fits.
        /// </summary>
        /// <param name="record">The state to overwrite.</param>
        /// <param name="source">A state of the same type.</param>
        /// <exception cref="ArgumentException">The source does not fit; nothing was changed.</exception>
        public static void CopyRecord(ICheckpointState record, OptimizerState source)
        {
            if (record is null)
            {
                throw new ArgumentNullException(nameof(record));
            }

            if (ReferenceEquals(record, source))
            {
                return;
            }

            CheckpointLocation at = CheckpointLocation.OfStateDictionary(record.GetType().Name);
            OptimizerOptions? options = null;
            if (record.Owner is { } owner)
            {
                CheckpointLayout live = CheckpointLayout.Of(owner._optimizer);
                int index = Array.IndexOf(live.States, record);
                if (index >= 0)
                {
                    at = live.At(CheckpointLocation.OfStateDictionary(owner.TypeName), index);
                    options = (OptimizerOptions)live.Options[live.GroupOf[index]];
                }
            }

            ICheckpointRecord typed = SameType(source, record, at);
            using ICheckpointState staged = ThroughMemory(typed, at, reader => record.ReadStaged(reader, options, at));
            record.Adopt(staged);
        }

        private StagedCheckpoint? Stage(BinaryReader reader, CheckpointLayout live, CheckpointLocation at)
        {
            CheckpointEnvelope.Read(reader, TypeName, _optimizer.GetType().FullName ?? TypeName, live.Options.Length, live.States.Length, at);
            return live.Options.Length == 0 ? null : CheckpointBody.Stage(reader.BaseStream, live, Format, at);
        }

        private void WriteFrame(BinaryWriter writer, CheckpointLayout live)
        {
            writer.Flush();
            CheckpointFrame.Write(writer.BaseStream, payload => CheckpointBody.WritePayload(payload, live, Format));
        }

        private void OnSaveRecord(ICheckpointRecord record, BinaryWriter writer)
        {
            if (_pendingSaveRecords > 0)
            {
                _pendingSaveRecords--;
                return;
            }

            if (record is ICheckpointOptions)
            {
                CheckpointLayout live = CheckpointLayout.Of(_optimizer);
                WriteFrame(writer, live);
                _pendingSaveRecords = live.Options.Length + live.States.Length - 1;
                return;
            }

            record.WriteRecord(writer);
        }

        private void OnLoadRecord(ICheckpointRecord record, BinaryReader reader)
        {
            if (_pendingLoadRecords > 0)
            {
                _pendingLoadRecords--;
                return;
            }

            CheckpointLayout live = CheckpointLayout.Of(_optimizer);
            if (record is ICheckpointOptions)
            {
                using (StagedCheckpoint staged = CheckpointBody.Stage(reader.BaseStream, live, Format, CheckpointLocation.OfStream(TypeName)))
                {
                    staged.Commit();
                }

                _pendingLoadRecords = live.Options.Length + live.States.Length - 1;
                return;
            }

            // A state's record read on its own.
            int index = Array.IndexOf(live.States, record);
            CheckpointLocation at = index >= 0 ? live.At(CheckpointLocation.OfStream(TypeName), index) : CheckpointLocation.Standalone("a " + record.GetType().Name + " record on its own");
            OptimizerOptions? options = index >= 0 ? (OptimizerOptions)live.Options[live.GroupOf[index]] : null;
            ApplyAlone(record, at, r => Read(record, r, options, at), reader);
        }

        private static object Read(ICheckpointRecord record, BinaryReader reader, OptimizerOptions? options, CheckpointLocation at) => record switch
        {
            ICheckpointOptions o => o.ReadStaged(reader, at),
            ICheckpointState s => s.ReadStaged(reader, options, at),
            _ => throw new ArgumentException("Not an OptimDsl options or state record: " + record.GetType().FullName, nameof(record)),
        };

        private static void ApplyAlone(ICheckpointRecord record, CheckpointLocation at, Func<BinaryReader, object> read, BinaryReader reader)
        {
            object staged;
            try
            {
                staged = read(reader);
            }
            catch (EndOfStreamException e)
            {
                throw at.Error("the data ends inside this record (it is truncated).", e);
            }

            switch (record)
            {
                case ICheckpointOptions options:
                    options.Adopt((OptimizerOptions)staged);
                    break;
                case ICheckpointState state:
                    using (var old = (ICheckpointState)staged)
                    {
                        state.Adopt(old);
                    }

                    break;
            }
        }

        private static ICheckpointRecord SameType(object? source, ICheckpointRecord live, CheckpointLocation at)
        {
            if (source is ICheckpointRecord record && source.GetType() == live.GetType())
            {
                return record;
            }

            throw at.Error("the state dictionary holds " + (source is null ? "null" : "a " + source.GetType().FullName) + " here; expected a "
                + live.GetType().FullName + " (is it the state_dict() of another optimizer type?).");
        }

        private static T ThroughMemory<T>(ICheckpointRecord source, CheckpointLocation at, Func<BinaryReader, T> read)
        {
            using var memory = new MemoryStream();
            using (var writer = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
            {
                source.WriteRecord(writer);
            }

            memory.Position = 0;
            using var reader = new BinaryReader(memory, Encoding.UTF8, leaveOpen: true);
            try
            {
                return read(reader);
            }
            catch (EndOfStreamException e)
            {
                throw at.Error("the source record is incomplete.", e);
            }
        }
    }
}
