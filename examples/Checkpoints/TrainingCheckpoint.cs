using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace OptimDsl.Examples.Checkpoints
{
    /// <summary>
    /// The example's checkpoint file: everything a <see cref="ResumableRun"/> needs to continue, in one file, written
    /// atomically.
    /// <code>
    /// string   "OptimDsl.Examples.Checkpoints"    length-prefixed UTF-8 (BinaryWriter.Write(string))
    /// int32    version: 1
    /// int32    completed epochs (= scheduler steps so far)
    /// int32    schedule length (the cosine's T_max), int32 seed, float64 initial learning rate: checked on load
    /// ...      the model: TorchSharp's Module.save (LEB128 count, then name and tensor per parameter)
    /// ...      the optimizer: OptimDsl's checkpoint (save_state_dict(BinaryWriter)), self-delimiting
    /// </code>
    /// TorchSharp's learning-rate schedulers have no <c>state_dict</c>; a scheduler whose rate depends only on how often it
    /// was stepped (StepLR, CosineAnnealingLR, ...) is rebuilt by creating it on the fresh optimizer and stepping it
    /// once per completed epoch, <em>before</em> the optimizer's state is loaded. The checkpoint keeps the number of
    /// steps; the load checks that the replayed learning rate is the saved one, bit for bit.
    /// </summary>
    internal static class TrainingCheckpoint
    {
        /// <summary>The string the file starts with.</summary>
        public const string Magic = "OptimDsl.Examples.Checkpoints";

        /// <summary>The version of the layout above.</summary>
        public const int Version = 1;

        /// <summary>
        /// Saves <paramref name="run"/> to <paramref name="path"/> atomically: writes a temporary file in the same folder,
        /// flushes it to disk, then renames it over <paramref name="path"/>, so a crash or a full disk leaves either the
        /// previous checkpoint or the new one, never half of one. (The optimizer's own <c>save_state_dict(path)</c> does the
        /// same for a file that holds the optimizer alone.)
        /// </summary>
        /// <param name="path">The checkpoint file.</param>
        /// <param name="run">The run, between two epochs.</param>
        public static void Save(string path, ResumableRun run)
        {
            string full = Path.GetFullPath(path);
            string folder = Path.GetDirectoryName(full) ?? ".";
            Directory.CreateDirectory(folder);
            string temporary = Path.Combine(folder, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
                    {
                        Write(writer, run);
                    }

                    stream.Flush(flushToDisk: true);
                }

                File.Move(temporary, full, overwrite: true);
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

                throw;
            }
        }

        /// <summary>Writes the checkpoint of <paramref name="run"/> at the writer's position.</summary>
        /// <param name="writer">The writer.</param>
        /// <param name="run">The run, between two epochs.</param>
        public static void Write(BinaryWriter writer, ResumableRun run)
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(run.CompletedEpochs);
            writer.Write(run.Settings.Epochs);
            writer.Write(run.Settings.Seed);
            writer.Write(run.Settings.LearningRate);
            run.Model.save(writer);
            run.Optimizer.save_state_dict(writer);
            writer.Flush();
        }

        /// <summary>
        /// Loads the checkpoint at <paramref name="path"/> into <paramref name="run"/>, a run just created by
        /// <see cref="ResumableRun"/> with the settings of the saved one: replays the schedule, loads the weights, then the
        /// optimizer's state (all or nothing: OptimDsl checks the whole of it, checksum included, before changing anything).
        /// </summary>
        /// <param name="path">The checkpoint file.</param>
        /// <param name="run">A fresh run.</param>
        /// <exception cref="InvalidDataException">Not a checkpoint of a run with these settings, damaged, or longer than its content.</exception>
        public static void Load(string path, ResumableRun run)
        {
            if (run.CompletedEpochs != 0)
            {
                throw new ArgumentException("A checkpoint loads into a fresh run (no epoch trained yet).", nameof(run));
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            int completed = ReadHeader(reader, path, run.Settings);

            // The schedule first, on the fresh optimizer: the cosine computes each rate from the previous one, so the replay
            // gives the saved run's rates bit for bit; loading the optimizer afterwards then restores its learning rate too.
            for (int epoch = 0; epoch < completed; epoch++)
            {
                run.Scheduler.step();
            }

            double replayed = run.LearningRate;
            try
            {
                run.Model.load(reader);
            }
            catch (Exception e) when (e is ArgumentException || e is EndOfStreamException)
            {
                throw new InvalidDataException($"'{path}': the model's weights are damaged or do not fit this model: {e.Message}", e);
            }

            run.Optimizer.load_state_dict(reader);
            if (stream.Position != stream.Length)
            {
                throw new InvalidDataException(
                    $"'{path}': {stream.Length - stream.Position} bytes follow the optimizer's checkpoint; the file ends there.");
            }

            if (BitConverter.DoubleToInt64Bits(run.LearningRate) != BitConverter.DoubleToInt64Bits(replayed))
            {
                throw new InvalidDataException(
                    $"'{path}': the checkpoint's learning rate is {run.LearningRate.ToString("R", CultureInfo.InvariantCulture)}, but replaying the schedule for {completed} epochs gives {replayed.ToString("R", CultureInfo.InvariantCulture)}.");
            }

            run.RestoreCompletedEpochs(completed);
        }

        /// <summary>Reads and checks the example's header; returns the completed epochs.</summary>
        private static int ReadHeader(BinaryReader reader, string path, RunSettings settings)
        {
            string magic;
            try
            {
                magic = reader.ReadString();
            }
            catch (Exception e) when (e is EndOfStreamException || e is IOException || e is DecoderFallbackException)
            {
                throw new InvalidDataException($"'{path}' is not a checkpoint of this example (it does not start with \"{Magic}\").", e);
            }

            if (magic != Magic)
            {
                throw new InvalidDataException($"'{path}' is not a checkpoint of this example (it does not start with \"{Magic}\").");
            }

            int version, completed, epochs, seed;
            double lr;
            try
            {
                version = reader.ReadInt32();
                completed = reader.ReadInt32();
                epochs = reader.ReadInt32();
                seed = reader.ReadInt32();
                lr = reader.ReadDouble();
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidDataException($"'{path}' is truncated: it ends inside the example's header.", e);
            }

            if (version != Version)
            {
                throw new InvalidDataException($"'{path}' has version {version}; this example reads version {Version}.");
            }

            if (epochs != settings.Epochs || seed != settings.Seed || BitConverter.DoubleToInt64Bits(lr) != BitConverter.DoubleToInt64Bits(settings.LearningRate))
            {
                throw new InvalidDataException(
                    $"'{path}' was saved by a run of {epochs} epochs, seed {seed}, lr {lr.ToString("R", CultureInfo.InvariantCulture)}; this run has {settings.Epochs} epochs, seed {settings.Seed}, lr {settings.LearningRate.ToString("R", CultureInfo.InvariantCulture)}.");
            }

            if (completed < 0 || completed > epochs)
            {
                throw new InvalidDataException($"'{path}' records {completed} completed epochs of {epochs}.");
            }

            return completed;
        }
    }
}
