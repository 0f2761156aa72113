using System.Linq;
using OptimDsl.Generator.Arguments;
using OptimDsl.Generator.Planning;
using OptimDsl.Shared;

namespace OptimDsl.Generator.Emission
{
    /// <summary>
    /// The nested <c>Options</c> class: one nullable field per argument, and its checkpoint record
    /// (<c>global::OptimDsl.Runtime.ICheckpointOptions</c>): the layout tag, the learning rates, then every option in
    /// declaration order; read strictly into a new object that is range-checked before the optimizer takes it.
    /// </summary>
    internal static class OptionsEmitter
    {
        public static void Emit(CodeWriter w, OptimizerPlan plan)
        {
            var fields = plan.HyperParameters.Where(h => h.Role != ArgumentRole.LearningRate).ToList();
            w.Line("/// <summary>Hyper-parameters of one parameter group (unset values take the optimizer's defaults).</summary>");
            using (w.Block("public sealed class Options : " + Names.OptimizerOptions + ", " + Names.ICheckpointOptions))
            {
                foreach (HyperParameter h in fields)
                {
                    w.Line("/// <summary>" + ConstructorEmitter.Xml(h.Documentation) + ".</summary>");
                    w.Line("public " + FieldType(h) + " " + h.Name + ";");
                    w.Line();
                }

                w.Line("private " + Names.OptimizerCheckpoint + "? _owner;");
                w.Line();
                w.Line("/// <inheritdoc/>");
                w.Line(Names.OptimizerCheckpoint + "? " + Names.ICheckpointRecord + ".Owner { get => _owner; set => _owner = value; }");
                w.Line();

                w.Line("/// <summary>Copies every value of <paramref name=\"source\"/> (options of this type).</summary>");
                w.Line("/// <param name=\"source\">The options to copy.</param>");
                using (w.Block("public override void LoadStateDict(" + Names.OptimizerOptions + " source)"))
                {
                    w.Line("base.LoadStateDict(source);");
                    w.Line("var __other = (Options)source;");
                    foreach (HyperParameter h in fields)
                    {
                        w.Line(h.Name + " = __other." + h.Name + ";");
                    }
                }

                w.Line();
                w.Line("/// <summary>TorchSharp's per-record hook of <c>load_state_dict</c>; see <see cref=\"" + Names.OptimizerCheckpoint + ".LoadRecord\"/>.</summary>");
                w.Line("/// <param name=\"reader\">The reader.</param>");
                w.Line("public override void LoadStateDict(" + Names.BinaryReader + " reader) => " + Names.OptimizerCheckpoint + ".LoadRecord(this, reader);");
                w.Line();
                w.Line("/// <summary>TorchSharp's per-record hook of <c>save_state_dict</c>; see <see cref=\"" + Names.OptimizerCheckpoint + ".SaveRecord\"/>.</summary>");
                w.Line("/// <param name=\"writer\">The writer.</param>");
                w.Line("public override void SaveStateDict(" + Names.BinaryWriter + " writer) => " + Names.OptimizerCheckpoint + ".SaveRecord(this, writer);");
                w.Line();

                w.Line("/// <inheritdoc/>");
                using (w.Block("void " + Names.ICheckpointRecord + ".WriteRecord(" + Names.BinaryWriter + " __writer)"))
                {
                    w.Line("__writer.Write(StateFormat);");
                    w.Line("__writer.Write(InitialLearningRate);");
                    w.Line("__writer.Write(LearningRate!.Value);");
                    foreach (HyperParameter h in fields)
                    {
                        w.Line(Write(h));
                    }
                }

                w.Line();
                w.Line("/// <inheritdoc/>");
                using (w.Block(Names.OptimizerOptions + " " + Names.ICheckpointOptions + ".ReadStaged(" + Names.BinaryReader + " __reader, " + Names.CheckpointLocation + " __at)"))
                {
                    w.Line(Names.CheckpointFields + ".ExpectTag(__reader, StateFormat, __at);");
                    w.Line("var __staged = new Options();");
                    w.Line("__staged.InitialLearningRate = __reader.ReadDouble();");
                    w.Line("__staged.LearningRate = __reader.ReadDouble();");
                    foreach (HyperParameter h in fields)
                    {
                        w.Line("__staged." + h.Name + " = " + Read(h) + ";");
                    }

                    using (w.Block("try"))
                    {
                        w.Line("Validate(__staged);");
                    }

                    using (w.Block("catch (global::System.ArgumentException __e)"))
                    {
                        w.Line("throw __at.Error(\"the checkpoint's options are invalid: \" + __e.Message, __e);");
                    }

                    w.Line();
                    w.Line("return __staged;");
                }

                w.Line();
                w.Line("/// <inheritdoc/>");
                w.Line("void " + Names.ICheckpointOptions + ".Adopt(" + Names.OptimizerOptions + " __staged) => LoadStateDict(__staged);");
            }

            w.Line();
        }

        private static string FieldType(HyperParameter h) => h.IsNullableValue ? h.ClrType : h.ClrType + "?";

        private static string Read(HyperParameter h)
        {
            string name = "\"" + h.Name + "\"";
            return h.Kind switch
            {
                HyperKind.Double => "__reader.ReadDouble()",
                HyperKind.Bool => Names.CheckpointFields + ".ReadBoolean(__reader, " + name + ", __at)",
                HyperKind.Int => "__reader.ReadInt32()",
                HyperKind.ULong => "__reader.ReadUInt64()",
                HyperKind.Aggregation => Names.CheckpointFields + ".ReadEnum<global::OptimDsl.AggregationRule>(__reader, " + name + ", __at)",
                HyperKind.NullableDouble => Names.CheckpointFields + ".ReadNullableDouble(__reader, " + name + ", __at)",
                _ => Names.CheckpointFields + ".ReadScalarType(__reader, " + name + ", __at)",
            };
        }

        private static string Write(HyperParameter h) => h.Kind switch
        {
            HyperKind.Aggregation => "__writer.Write((int)" + h.Name + "!.Value);",
            HyperKind.NullableScalarType => Names.CheckpointFields + ".WriteScalarType(__writer, " + h.Name + ");",
            HyperKind.NullableDouble => Names.CheckpointFields + ".WriteNullableDouble(__writer, " + h.Name + ");",
            _ => "__writer.Write(" + h.Name + "!.Value);",
        };
    }
}
