using System.Linq;
using OptimDsl.Generator.Model;
using OptimDsl.Generator.Planning;

namespace OptimDsl.Generator.Emission
{
    /// <summary>
    /// The nested <c>State</c>: persistent per-parameter tensors, created eagerly, and its checkpoint record
    /// (<c>global::OptimDsl.Runtime.ICheckpointState</c>): written exactly, read into a new state checked against the live
    /// one and the checkpoint's options, and taken over by exchanging fields.
    /// </summary>
    internal static class StateEmitter
    {
        public static void Emit(CodeWriter w, OptimizerPlan plan)
        {
            var tensors = plan.State.ToList();
            var objects = plan.Objects.ToList();
            CriticalBufferBlock? critical = plan.Blocks.CriticalBuffer;
            string T = Names.StateTensors;
            string active = critical?.KappaUse == KappaUse.Weight ? "options.kappa!.Value != 0" : "options.kappa!.Value > 0";

            w.Line("/// <summary>The optimizer state of one parameter.</summary>");
            using (w.Block("public sealed class State : " + Names.OptimizerState + ", global::System.IDisposable, " + Names.ICheckpointState))
            {
                w.Line("private readonly int _index;");
                w.Line("private " + Names.OptimizerCheckpoint + "? _owner;");
                w.Line();
                w.Line("/// <summary>Number of steps this parameter has taken.</summary>");
                w.Line("public long step;");
                w.Line();
                string? skipped = plan.Step.Skip?.Counter;
                if (skipped is not null)
                {
                    w.Line("/// <summary>Number of steps this parameter skipped because a gradient of its group was not finite ([SkipNonFinite]).</summary>");
                    w.Line("public long " + skipped + ";");
                    w.Line();
                }

                foreach (StateTensor s in tensors)
                {
                    w.Line("/// <summary>" + ConstructorEmitter.Xml(s.Documentation) + "</summary>");
                    w.Line(s.IsOptional ? "public " + Names.Tensor + "? " + s.Name + ";" : "public " + Names.Tensor + " " + s.Name + " = null!;");
                    w.Line();
                }

                foreach (StateObject o in objects)
                {
                    w.Line("/// <summary>" + ConstructorEmitter.Xml(o.Documentation) + "</summary>");
                    w.Line("public " + o.TypeName + " " + o.Name + " = null!;");
                    w.Line();
                }

                if (critical is not null)
                {
                    w.Line("/// <summary>The critical buffer (null while the buffer is switched off, e.g. kappa = 0).</summary>");
                    w.Line("public " + Names.CriticalBuffer + "? critical;");
                    w.Line();
                }

                w.Line("/// <summary>Creates the state of a parameter; <paramref name=\"index\"/> is its position in the optimizer.</summary>");
                w.Line("/// <param name=\"parameter\">The parameter.</param>");
                w.Line("/// <param name=\"index\">The parameter's position in the optimizer.</param>");
                w.Line("public State(" + Names.Parameter + " parameter, int index) : base(parameter) => _index = index;");
                w.Line();
                w.Line("/// <inheritdoc/>");
                w.Line(Names.OptimizerCheckpoint + "? " + Names.ICheckpointRecord + ".Owner { get => _owner; set => _owner = value; }");
                w.Line();
                w.Line("/// <inheritdoc/>");
                w.Line(Names.Tensor + " " + Names.ICheckpointState + ".Parameter => _parameter;");
                w.Line();

                w.Line("/// <inheritdoc/>");
                using (w.Block("public override void Initialize(" + Names.OptimizerOptions + " optionsBase)"))
                {
                    w.Line("var options = (Options)optionsBase;");
                    w.Line("Dispose();");
                    w.Line("step = 0;");
                    if (skipped is not null)
                    {
                        w.Line(skipped + " = 0;");
                    }

                    foreach (StateTensor s in tensors.Where(s => !s.Lazy))
                    {
                        string create = s.Initializer + ".DetachFromDisposeScope()";
                        w.Line(s.Condition is null ? s.Name + " = " + create + ";" : s.Name + " = " + s.Condition + " ? " + create + " : null;");
                    }

                    foreach (StateObject o in objects)
                    {
                        w.Line(o.Name + " = " + o.Creation + ";");
                    }

                    if (critical is not null)
                    {
                        string dtype = critical.BufferDtypeArgument ? "options.buffer_dtype" : "null";
                        string seed = critical.RandomReplacement ? "unchecked(options.seed!.Value + (ulong)_index)" : "(ulong)_index";
                        string sum = critical.Structure == CriticalBufferStructure.Heap ? ", sum: global::OptimDsl.CriticalSum." + critical.Sum : string.Empty;
                        w.Line("critical = " + active + " ? new " + Names.CriticalBuffer + "(_parameter, options.topC!.Value, global::OptimDsl.CriticalBufferStructure."
                            + critical.Structure + ", " + dtype + ", " + seed + sum + ") : null;");
                    }
                }

                w.Line();
                w.Line("/// <summary>TorchSharp's per-record hook of <c>save_state_dict</c>; see <see cref=\"" + Names.OptimizerCheckpoint + ".SaveRecord\"/>.</summary>");
                w.Line("/// <param name=\"writer\">The writer.</param>");
                w.Line("public override void SaveStateDict(" + Names.BinaryWriter + " writer) => " + Names.OptimizerCheckpoint + ".SaveRecord(this, writer);");
                w.Line();
                w.Line("/// <summary>TorchSharp's per-record hook of <c>load_state_dict</c>; see <see cref=\"" + Names.OptimizerCheckpoint + ".LoadRecord\"/>.</summary>");
                w.Line("/// <param name=\"reader\">The reader.</param>");
                w.Line("public override void LoadStateDict(" + Names.BinaryReader + " reader) => " + Names.OptimizerCheckpoint + ".LoadRecord(this, reader);");
                w.Line();
                w.Line("/// <summary>Becomes a copy of <paramref name=\"source\"/> (a state of this type for a parameter of the same shape), all or nothing; see <see cref=\"" + Names.OptimizerCheckpoint + ".CopyRecord\"/>.</summary>");
                w.Line("/// <param name=\"source\">The state to copy.</param>");
                w.Line("public override void LoadStateDict(" + Names.OptimizerState + " source) => " + Names.OptimizerCheckpoint + ".CopyRecord(this, source);");
                w.Line();

                w.Line("/// <inheritdoc/>");
                using (w.Block("void " + Names.ICheckpointRecord + ".WriteRecord(" + Names.BinaryWriter + " writer)"))
                {
                    w.Line("writer.Write(StateFormat);");
                    w.Line("writer.Write(step);");
                    if (skipped is not null)
                    {
                        w.Line("writer.Write(" + skipped + ");");
                    }

                    foreach (StateTensor s in tensors)
                    {
                        w.Line(s.IsOptional ? T + ".SaveOptional(writer, " + s.Name + ");" : T + ".Save(writer, " + s.Name + ");");
                    }

                    foreach (StateObject o in objects)
                    {
                        w.Line(o.Name + ".Save(writer);");
                    }

                    if (critical is not null)
                    {
                        w.Line(Names.CriticalBufferCheckpoint + ".Write(writer, critical);");
                    }
                }

                w.Line();
                w.Line("/// <inheritdoc/>");
                using (w.Block(Names.ICheckpointState + " " + Names.ICheckpointState + ".ReadStaged(" + Names.BinaryReader + " reader, " + Names.OptimizerOptions + "? optionsBase, " + Names.CheckpointLocation + " at)"))
                {
                    w.Line("var options = optionsBase as Options;");
                    w.Line("var staged = new State(_parameter, _index);");
                    using (w.Block("try"))
                    {
                        w.Line(Names.CheckpointFields + ".ExpectTag(reader, StateFormat, at);");
                        w.Line("staged.step = " + Names.CheckpointFields + ".ReadStep(reader, at);");
                        if (skipped is not null)
                        {
                            w.Line("staged." + skipped + " = " + Names.CheckpointFields + ".ReadCount(reader, \"" + skipped + "\", at);");
                        }

                        foreach (StateTensor s in tensors)
                        {
                            string name = "\"" + s.Name + "\"";
                            if (!s.IsOptional)
                            {
                                w.Line("staged." + s.Name + " = " + Names.CheckpointTensors + ".ReadStaged(reader, " + s.Name + ", " + name + ", at);");
                                continue;
                            }

                            w.Line("staged." + s.Name + " = " + Names.CheckpointTensors + ".ReadStagedOptional(reader, " + s.Name + " ?? _parameter, " + name + ", at);");
                            if (s.Condition is not null && !s.Lazy)
                            {
                                w.Line("if (options is not null) " + Names.CheckpointTensors + ".ExpectPresence(staged." + s.Name + ", " + s.Condition + ", " + name + ", \"" + Describe(s.Condition) + "\", at);");
                            }
                        }

                        foreach (StateObject o in objects)
                        {
                            w.Line("staged." + o.Name + " = " + o.Name + ".ReadStaged(reader, at);");
                        }

                        if (critical is not null)
                        {
                            w.Line("staged.critical = " + Names.CriticalBufferCheckpoint + ".ReadStaged(reader, critical, options is null ? null : " + active + ", options?.kappa, options?.topC, at);");
                        }

                        w.Line("return staged;");
                    }

                    using (w.Block("catch"))
                    {
                        w.Line("staged.Dispose();");
                        w.Line("throw;");
                    }
                }

                w.Line();
                w.Line("/// <inheritdoc/>");
                using (w.Block("void " + Names.ICheckpointState + ".Adopt(" + Names.ICheckpointState + " stagedBase)"))
                {
                    w.Line("var staged = (State)stagedBase;");
                    w.Line("(step, staged.step) = (staged.step, step);");
                    if (skipped is not null)
                    {
                        w.Line("(" + skipped + ", staged." + skipped + ") = (staged." + skipped + ", " + skipped + ");");
                    }

                    foreach (StateTensor s in tensors)
                    {
                        w.Line("(" + s.Name + ", staged." + s.Name + ") = (staged." + s.Name + ", " + s.Name + ");");
                    }

                    foreach (StateObject o in objects)
                    {
                        w.Line("(" + o.Name + ", staged." + o.Name + ") = (staged." + o.Name + ", " + o.Name + ");");
                    }

                    if (critical is not null)
                    {
                        w.Line("(critical, staged.critical) = (staged.critical, critical);");
                    }
                }

                w.Line();
                w.Line("/// <inheritdoc/>");
                using (w.Block("public override bool ApproximatelyEquals(" + Names.OptimizerState + " other)"))
                {
                    w.Line("if (other is not State rhs || rhs.step != step) return false;");
                    if (skipped is not null)
                    {
                        w.Line("if (rhs." + skipped + " != " + skipped + ") return false;");
                    }

                    foreach (StateTensor s in tensors)
                    {
                        w.Line("if (!" + T + ".Close(" + s.Name + ", rhs." + s.Name + ")) return false;");
                    }

                    foreach (StateObject o in objects)
                    {
                        w.Line("if (!" + o.Name + ".ApproximatelyEquals(rhs." + o.Name + ")) return false;");
                    }

                    if (critical is not null)
                    {
                        w.Line("if ((critical is null) != (rhs.critical is null)) return false;");
                        w.Line("if (critical is not null && !critical.ApproximatelyEquals(rhs.critical!)) return false;");
                    }

                    w.Line("return true;");
                }

                w.Line();
                w.Line("/// <inheritdoc/>");
                using (w.Block("public override void to(" + Names.Device + " device)"))
                {
                    foreach (StateTensor s in tensors)
                    {
                        w.Line(s.IsOptional ? T + ".MoveOptional(ref " + s.Name + ", device);" : s.Name + " = " + T + ".Move(" + s.Name + ", device);");
                    }

                    foreach (StateObject o in objects)
                    {
                        w.Line(o.Name + ".to(device);");
                    }

                    if (critical is not null)
                    {
                        w.Line("critical?.to(device);");
                    }
                }

                w.Line();
                w.Line("/// <summary>Releases the state's tensors.</summary>");
                using (w.Block("public void Dispose()"))
                {
                    foreach (StateTensor s in tensors)
                    {
                        w.Line(s.Name + "?.Dispose();");
                        w.Line(s.Name + " = null!;");
                    }

                    foreach (StateObject o in objects)
                    {
                        w.Line(o.Name + "?.Dispose();");
                        w.Line(o.Name + " = null!;");
                    }

                    if (critical is not null)
                    {
                        w.Line("critical?.Dispose();");
                        w.Line("critical = null;");
                    }
                }
            }
        }

        /// <summary>A state tensor's condition as text for messages: <c>options.amsgrad!.Value</c> → <c>amsgrad</c>.</summary>
        private static string Describe(string condition) =>
            condition.Replace("options.", string.Empty).Replace("!.Value", string.Empty).Replace("\"", string.Empty);
    }
}
