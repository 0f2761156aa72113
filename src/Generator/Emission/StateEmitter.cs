using System.Linq;
using OptimDsl.Generator.Model;
using OptimDsl.Generator.Planning;

namespace OptimDsl.Generator.Emission
{
    /// <summary>The nested <c>State</c>: persistent per-parameter tensors, created eagerly, saved and loaded exactly.</summary>
    internal static class StateEmitter
    {
        public static void Emit(CodeWriter w, OptimizerPlan plan)
        {
            var tensors = plan.State.ToList();
            var objects = plan.Objects.ToList();
            CriticalBufferBlock? critical = plan.Blocks.CriticalBuffer;
            string T = Names.StateTensors;

            w.Line("/// <summary>The optimizer state of one parameter.</summary>");
            using (w.Block("public sealed class State : " + Names.OptimizerState + ", global::System.IDisposable"))
            {
                w.Line("private readonly int _index;");
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
                        string active = critical.KappaUse == KappaUse.Weight ? "options.kappa!.Value != 0" : "options.kappa!.Value > 0";
                        string dtype = critical.BufferDtypeArgument ? "options.buffer_dtype" : "null";
                        string seed = critical.RandomReplacement ? "unchecked(options.seed!.Value + (ulong)_index)" : "(ulong)_index";
                        string sum = critical.Structure == CriticalBufferStructure.Heap ? ", sum: global::OptimDsl.CriticalSum." + critical.Sum : string.Empty;
                        w.Line("critical = " + active + " ? new " + Names.CriticalBuffer + "(_parameter, options.topC!.Value, global::OptimDsl.CriticalBufferStructure."
                            + critical.Structure + ", " + dtype + ", " + seed + sum + ") : null;");
                    }
                }

                w.Line();
                w.Line("/// <inheritdoc/>");
                using (w.Block("public override void SaveStateDict(" + Names.BinaryWriter + " writer)"))
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
                        w.Line("writer.Write(critical is not null);");
                        w.Line("critical?.Save(writer);");
                    }
                }

                w.Line();
                w.Line("/// <inheritdoc/>");
                using (w.Block("public override void LoadStateDict(" + Names.BinaryReader + " reader)"))
                {
                    w.Line(T + ".ExpectFormat(reader, StateFormat);");
                    w.Line("step = reader.ReadInt64();");
                    if (skipped is not null)
                    {
                        w.Line(skipped + " = reader.ReadInt64();");
                    }

                    foreach (StateTensor s in tensors)
                    {
                        w.Line(s.IsOptional ? T + ".LoadOptional(reader, ref " + s.Name + ", _parameter);" : T + ".Load(reader, " + s.Name + ");");
                    }

                    foreach (StateObject o in objects)
                    {
                        w.Line(o.Name + ".Load(reader);");
                    }

                    if (critical is not null)
                    {
                        using (w.Block("if (reader.ReadBoolean())"))
                        {
                            w.Line("if (critical is null) throw new global::System.IO.InvalidDataException(\"The checkpoint holds a critical buffer, but this optimizer's buffer is switched off (kappa); create it with the checkpoint's kappa.\");");
                            w.Line("critical.Load(reader);");
                        }

                        using (w.Block("else"))
                        {
                            w.Line("critical?.Dispose();");
                            w.Line("critical = null;");
                        }
                    }
                }

                w.Line();
                w.Line("/// <inheritdoc/>");
                using (w.Block("public override void LoadStateDict(" + Names.OptimizerState + " source)"))
                {
                    w.Line("var other = (State)source;");
                    w.Line("step = other.step;");
                    if (skipped is not null)
                    {
                        w.Line(skipped + " = other." + skipped + ";");
                    }

                    foreach (StateTensor s in tensors)
                    {
                        w.Line(s.IsOptional
                            ? T + ".CopyOptional(ref " + s.Name + ", other." + s.Name + ", _parameter);"
                            : s.Name + ".copy_(other." + s.Name + ");");
                    }

                    foreach (StateObject o in objects)
                    {
                        w.Line(o.Name + ".CopyFrom(other." + o.Name + ");");
                    }

                    if (critical is not null)
                    {
                        using (w.Block("if (other.critical is null)"))
                        {
                            w.Line("critical?.Dispose();");
                            w.Line("critical = null;");
                        }

                        using (w.Block("else"))
                        {
                            w.Line("if (critical is null) throw new global::System.InvalidOperationException(\"The source state holds a critical buffer, but this optimizer's buffer is switched off (kappa).\");");
                            w.Line("critical.CopyFrom(other.critical);");
                        }
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
    }
}
