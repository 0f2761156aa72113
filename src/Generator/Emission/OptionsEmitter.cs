using System.Linq;
using OptimDsl.Generator.Planning;

namespace OptimDsl.Generator.Emission
{
    /// <summary>The nested <c>Options</c> class: one nullable field per argument and a tagged binary layout.</summary>
    internal static class OptionsEmitter
    {
        public static void Emit(CodeWriter w, OptimizerPlan plan)
        {
            var fields = plan.HyperParameters.Where(h => h.Name != "lr").ToList();
            w.Line("/// <summary>Hyper-parameters of one parameter group (unset values take the optimizer's defaults).</summary>");
            using (w.Block("public sealed class Options : " + Names.OptimizerOptions))
            {
                foreach (HyperParameter h in fields)
                {
                    w.Line("/// <summary>" + ConstructorEmitter.Xml(h.Documentation) + ".</summary>");
                    w.Line("public " + FieldType(h) + " " + h.Name + ";");
                    w.Line();
                }

                w.Line("/// <inheritdoc/>");
                using (w.Block("public override void LoadStateDict(" + Names.OptimizerOptions + " source)"))
                {
                    w.Line("base.LoadStateDict(source);");
                    w.Line("var other = (Options)source;");
                    foreach (HyperParameter h in fields)
                    {
                        w.Line(h.Name + " = other." + h.Name + ";");
                    }
                }

                w.Line();
                w.Line("/// <inheritdoc/>");
                using (w.Block("public override void LoadStateDict(" + Names.BinaryReader + " reader)"))
                {
                    w.Line(Names.StateTensors + ".ExpectFormat(reader, StateFormat);");
                    w.Line("base.LoadStateDict(reader);");
                    foreach (HyperParameter h in fields)
                    {
                        w.Line(h.Name + " = " + Read(h) + ";");
                    }
                }

                w.Line();
                w.Line("/// <inheritdoc/>");
                using (w.Block("public override void SaveStateDict(" + Names.BinaryWriter + " writer)"))
                {
                    w.Line("writer.Write(StateFormat);");
                    w.Line("base.SaveStateDict(writer);");
                    foreach (HyperParameter h in fields)
                    {
                        w.Line(Write(h));
                    }
                }
            }

            w.Line();
        }

        private static string FieldType(HyperParameter h) => h.IsNullableValue ? h.ClrType : h.ClrType + "?";

        private static string Read(HyperParameter h) => h.Kind switch
        {
            HyperKind.Double => "reader.ReadDouble()",
            HyperKind.Bool => "reader.ReadBoolean()",
            HyperKind.Int => "reader.ReadInt32()",
            HyperKind.ULong => "reader.ReadUInt64()",
            HyperKind.Aggregation => "(global::OptimDsl.AggregationRule)reader.ReadInt32()",
            HyperKind.NullableDouble => "reader.ReadBoolean() ? reader.ReadDouble() : null",
            _ => Names.StateTensors + ".ReadScalarType(reader)",
        };

        private static string Write(HyperParameter h) => h.Kind switch
        {
            HyperKind.Aggregation => "writer.Write((int)" + h.Name + "!.Value);",
            HyperKind.NullableScalarType => Names.StateTensors + ".WriteScalarType(writer, " + h.Name + ");",
            HyperKind.NullableDouble => "writer.Write(" + h.Name + ".HasValue); if (" + h.Name + ".HasValue) writer.Write(" + h.Name + ".Value);",
            _ => "writer.Write(" + h.Name + "!.Value);",
        };
    }
}
