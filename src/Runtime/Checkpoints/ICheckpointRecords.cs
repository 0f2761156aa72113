using System;
using System.IO;
using TorchSharp;
using TorchSharp.Modules;

namespace OptimDsl.Runtime
{
    /// <summary>
    /// A record of a generated optimizer's checkpoint: a parameter group's <c>Options</c> or a parameter's <c>State</c>.
    /// Implemented explicitly by the generated classes; <see cref="OptimizerCheckpoint"/> drives it.
    /// </summary>
    public interface ICheckpointRecord
    {
        /// <summary>The checkpoint coordinator of the optimizer this record belongs to (set by <see cref="OptimizerCheckpoint.Attach"/>), or null.</summary>
        OptimizerCheckpoint? Owner { get; set; }

        /// <summary>Writes the record: the optimizer's layout tag, then the record's fields in declaration order.</summary>
        /// <param name="writer">The writer.</param>
        void WriteRecord(BinaryWriter writer);
    }

    /// <summary>The <c>Options</c> of a generated optimizer's parameter group, as a checkpoint record.</summary>
    public interface ICheckpointOptions : ICheckpointRecord
    {
        /// <summary>
        /// Reads one options record into a NEW options object and checks it (layout tag, flags, enums, every value in its
        /// allowed range); this object is not modified.
        /// </summary>
        /// <param name="reader">The reader, at the record.</param>
        /// <param name="at">The record's location, for messages.</param>
        /// <returns>The staged options.</returns>
        OptimizerOptions ReadStaged(BinaryReader reader, CheckpointLocation at);

        /// <summary>Takes every value of <paramref name="staged"/> (a result of <see cref="ReadStaged"/>). Cannot fail.</summary>
        /// <param name="staged">The staged options.</param>
        void Adopt(OptimizerOptions staged);
    }

    /// <summary>The <c>State</c> of one parameter of a generated optimizer, as a checkpoint record.</summary>
    public interface ICheckpointState : ICheckpointRecord, IDisposable
    {
        /// <summary>The parameter the state belongs to (its shape and dtype are what the record's tensors must have).</summary>
        torch.Tensor Parameter { get; }

        /// <summary>
        /// Reads one state record into a NEW state for the same parameter and checks it: against this (live) state (every
        /// tensor's dtype and shape, the structure of runtime objects such as a critical buffer's capacity and whether it is
        /// switched on) and against the checkpoint's own options of the group (which optional tensors exist, the buffer's
        /// switch and capacity). This state is not modified; the caller owns the result.
        /// </summary>
        /// <param name="reader">The reader, at the record.</param>
        /// <param name="options">The group's options as the checkpoint has them (staged), or null when unknown.</param>
        /// <param name="at">The record's location, for messages.</param>
        /// <returns>The staged state.</returns>
        ICheckpointState ReadStaged(BinaryReader reader, OptimizerOptions? options, CheckpointLocation at);

        /// <summary>
        /// Exchanges every value (counters, tensors, runtime objects) with <paramref name="staged"/>, a result of
        /// <see cref="ReadStaged"/> for this state: this state then holds the checkpoint's values and <paramref name="staged"/>
        /// the previous ones, to be disposed. Only assignments: it cannot fail.
        /// </summary>
        /// <param name="staged">The staged state.</param>
        void Adopt(ICheckpointState staged);
    }
}
