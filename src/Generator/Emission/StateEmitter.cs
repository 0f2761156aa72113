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
            string active = critical?.KappaUse == KappaUse.Weight ? "__options.kappa!.Value != 0" : "__options.kappa!.Value > 0";

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

                foreach (Lowering.StepOperand o in plan.Step.Operands.Where(o => o.StateField is not null))
                {
                    // Internal: the optimizer's fused step reads it; the user's view of the state is the tensor field itself.
                    w.Line("/// <summary>What the fused CPU step needs of <see cref=\"" + o.StateField + "\"/>, read once per tensor that field holds.</summary>");
                    w.Line("internal " + FusedNames.CachedMemory + " " + FusedNames.MemoryField(o) + ";");
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
                    w.Line("var __options = (Options)optionsBase;");
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
                        string dtype = critical.BufferDtypeArgument ? "__options.buffer_dtype" : "null";
                        string seed = critical.RandomReplacement ? "unchecked(__options.seed!.Value + (ulong)_index)" : "(ulong)_index";
                        string sum = critical.Structure == CriticalBufferStructure.Heap ? ", sum: global::OptimDsl.CriticalSum." + critical.Sum : string.Empty;
                        w.Line("critical = " + active + " ? new " + Names.CriticalBuffer + "(_parameter, __options.topC!.Value, global::OptimDsl.CriticalBufferStructure."
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
                using (w.Block("void " + Names.ICheckpointRecord + ".WriteRecord(" + Names.BinaryWriter + " __writer)"))
                {
                    w.Line("__writer.Write(StateFormat);");
                    w.Line("__writer.Write(step);");
                    if (skipped is not null)
                    {
                        w.Line("__writer.Write(" + skipped + ");");
                    }

                    foreach (StateTensor s in tensors)
                    {
                        w.Line(s.IsOptional ? T + ".SaveOptional(__writer, " + s.Name + ");" : T + ".Save(__writer, " + s.Name + ");");
                    }

                    foreach (StateObject o in objects)
                    {
                        w.Line(o.Name + ".Save(__writer);");
                    }

                    if (critical is not null)
                    {
                        w.Line(Names.CriticalBufferCheckpoint + ".Write(__writer, critical);");
                    }
                }

                w.Line();
                w.Line("/// <inheritdoc/>");
                using (w.Block(Names.ICheckpointState + " " + Names.ICheckpointState + ".ReadStaged(" + Names.BinaryReader + " __reader, " + Names.OptimizerOptions + "? __optionsBase, " + Names.CheckpointLocation + " __at)"))
                {
                    w.Line("var __options = __optionsBase as Options;");
                    w.Line("var __staged = new State(_parameter, _index);");
                    using (w.Block("try"))
                    {
                        w.Line(Names.CheckpointFields + ".ExpectTag(__reader, StateFormat, __at);");
                        w.Line("__staged.step = " + Names.CheckpointFields + ".ReadStep(__reader, __at);");
                        if (skipped is not null)
                        {
                            w.Line("__staged." + skipped + " = " + Names.CheckpointFields + ".ReadCount(__reader, \"" + skipped + "\", __at);");
                        }

                        foreach (StateTensor s in tensors)
                        {
                            string name = "\"" + s.Name + "\"";
                            if (!s.IsOptional)
                            {
                                w.Line("__staged." + s.Name + " = " + Names.CheckpointTensors + ".ReadStaged(__reader, " + s.Name + ", " + name + ", __at);");
                                continue;
                            }

                            w.Line("__staged." + s.Name + " = " + Names.CheckpointTensors + ".ReadStagedOptional(__reader, " + s.Name + " ?? _parameter, " + name + ", __at);");
                            if (s.Condition is not null && !s.Lazy)
                            {
                                w.Line("if (__options is not null) " + Names.CheckpointTensors + ".ExpectPresence(__staged." + s.Name + ", " + s.Condition + ", " + name + ", \"" + Describe(s.Condition) + "\", __at);");
                            }
                        }

                        foreach (StateObject o in objects)
                        {
                            w.Line("__staged." + o.Name + " = " + o.Name + ".ReadStaged(__reader, __at);");
                        }

                        if (critical is not null)
                        {
                            w.Line("__staged.critical = " + Names.CriticalBufferCheckpoint + ".ReadStaged(__reader, critical, __options is null ? null : " + active + ", __options?.kappa, __options?.topC, __at);");
                        }

                        w.Line("return __staged;");
                    }

                    using (w.Block("catch"))
                    {
                        w.Line("__staged.Dispose();");
                        w.Line("throw;");
                    }
                }

                w.Line();
                w.Line("/// <inheritdoc/>");
                using (w.Block("void " + Names.ICheckpointState + ".Adopt(" + Names.ICheckpointState + " __stagedBase)"))
                {
                    w.Line("var __staged = (State)__stagedBase;");
                    w.Line("(step, __staged.step) = (__staged.step, step);");
                    if (skipped is not null)
                    {
                        w.Line("(" + skipped + ", __staged." + skipped + ") = (__staged." + skipped + ", " + skipped + ");");
                    }

                    foreach (StateTensor s in tensors)
                    {
                        w.Line("(" + s.Name + ", __staged." + s.Name + ") = (__staged." + s.Name + ", " + s.Name + ");");
                    }

                    foreach (StateObject o in objects)
                    {
                        w.Line("(" + o.Name + ", __staged." + o.Name + ") = (__staged." + o.Name + ", " + o.Name + ");");
                    }

                    if (critical is not null)
                    {
                        w.Line("(critical, __staged.critical) = (__staged.critical, critical);");
                    }
                }

                w.Line();
                w.Line("/// <inheritdoc/>");
                using (w.Block("public override bool ApproximatelyEquals(" + Names.OptimizerState + " other)"))
                {
                    w.Line("if (other is not State __rhs || __rhs.step != step) return false;");
                    if (skipped is not null)
                    {
                        w.Line("if (__rhs." + skipped + " != " + skipped + ") return false;");
                    }

                    foreach (StateTensor s in tensors)
                    {
                        w.Line("if (!" + T + ".Close(" + s.Name + ", __rhs." + s.Name + ")) return false;");
                    }

                    foreach (StateObject o in objects)
                    {
                        w.Line("if (!" + o.Name + ".ApproximatelyEquals(__rhs." + o.Name + ")) return false;");
                    }

                    if (critical is not null)
                    {
                        w.Line("if ((critical is null) != (__rhs.critical is null)) return false;");
                        w.Line("if (critical is not null && !critical.ApproximatelyEquals(__rhs.critical!)) return false;");
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
            condition.Replace("__options.", string.Empty).Replace("!.Value", string.Empty).Replace("\"", string.Empty);
    }
}
