namespace OptimDsl.Generator.Emission
{
    /// <summary>
    /// The optimizer's checkpoint members: its <c>global::OptimDsl.Runtime.OptimizerCheckpoint</c>, and
    /// <c>save_state_dict</c>/<c>load_state_dict</c> by path and by stream, which hide TorchSharp's non-virtual methods
    /// (those still work through an <c>OptimizerHelper</c> reference, via the records' hooks), plus the override of the
    /// virtual <c>load_state_dict(StateDictionary)</c>. Everything else about checkpoints is runtime code.
    /// </summary>
    internal static class CheckpointEmitter
    {
        public static void Emit(CodeWriter w)
        {
            string checkpoint = Names.OptimizerCheckpoint;
            w.Line("private " + checkpoint + "? _checkpoint;");
            w.Line();
            w.Line("/// <summary>Saves, loads and copies this optimizer's checkpoints (created on first use).</summary>");
            w.Line("private " + checkpoint + " Checkpoint => _checkpoint ??= new " + checkpoint + "(this, StateFormat);");
            w.Line();

            w.Line("/// <summary>");
            w.Line("/// Saves the optimizer's state to a file, atomically (written to a temporary file in the same folder, then moved over");
            w.Line("/// <paramref name=\"location\"/>): TorchSharp's header (type name, numbers of groups and parameters), then OptimDsl's frame");
            w.Line("/// (payload length and XxHash64 checksum) around every group's options and every parameter's state. Hides TorchSharp's");
            w.Line("/// non-virtual method, which writes the same bytes, but not atomically.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"location\">The file's path.</param>");
            w.Line("public new void save_state_dict(string location) => Checkpoint.Save(location);");
            w.Line();
            w.Line("/// <summary>Saves the optimizer's state to a stream: the same bytes as the file overload and as TorchSharp's method.</summary>");
            w.Line("/// <param name=\"writer\">The writer; the checkpoint starts at its position.</param>");
            w.Line("public new void save_state_dict(" + Names.BinaryWriter + " writer) => Checkpoint.Save(writer);");
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Loads a checkpoint file, all or nothing: TorchSharp's header, the frame's length and checksum, every option, every state");
            w.Line("/// tensor's dtype and shape, the critical buffers' capacity and switch, and the end of the file are checked before anything");
            w.Line("/// changes. Through an <c>OptimizerHelper</c> reference TorchSharp's method runs instead, with the same checks and atomicity,");
            w.Line("/// except that TorchSharp checks its own header and bytes after the checkpoint are not looked at.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"location\">The file's path.</param>");
            w.Line("/// <exception cref=\"global::System.IO.InvalidDataException\">The file is not a checkpoint of this optimizer, is damaged, or does not fit it; the message says where and what was expected, and the optimizer is unchanged.</exception>");
            w.Line("public new void load_state_dict(string location) => Checkpoint.Load(location);");
            w.Line();
            w.Line("/// <summary>Loads a checkpoint from a stream, all or nothing (see the file overload); the stream is left right after the checkpoint.</summary>");
            w.Line("/// <param name=\"reader\">The reader, at the checkpoint's first byte.</param>");
            w.Line("/// <exception cref=\"global::System.IO.InvalidDataException\">The data is not a checkpoint of this optimizer, is damaged, or does not fit it; the optimizer is unchanged.</exception>");
            w.Line("public new void load_state_dict(" + Names.BinaryReader + " reader) => Checkpoint.Load(reader);");
            w.Line();
            w.Line("/// <summary>Makes this optimizer's options and states copies of another optimizer's of this type, all or nothing.</summary>");
            w.Line("/// <param name=\"state_dict\">The other optimizer's <c>state_dict()</c>.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">The dictionary does not fit this optimizer; the optimizer is unchanged.</exception>");
            w.Line("public override void load_state_dict(" + Names.StateDictionary + " state_dict) => Checkpoint.Copy(state_dict);");
            w.Line();
        }
    }
}
