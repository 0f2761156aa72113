using System.Collections.Generic;
using System.Linq;
using OptimDsl.Generator.Arguments;
using OptimDsl.Generator.Planning;
using OptimDsl.Shared;

namespace OptimDsl.Generator.Emission
{
    /// <summary>Constructors over parameters, named parameters and param groups, plus argument validation.</summary>
    internal static class ConstructorEmitter
    {
        public static void Emit(CodeWriter w, OptimizerPlan plan)
        {
            string name = plan.Type.Name;
            IReadOnlyList<HyperParameter> hyper = plan.HyperParameters;
            string declared = string.Join(", ", hyper.Select(h => h.ClrType + " " + h.Name + " = " + h.DefaultLiteral)) + ", bool? fused = null";
            string forwarded = string.Join(", ", hyper.Select(h => h.Name)) + ", fused";

            EmitDocs(w, hyper, "Creates the optimizer for one group of parameters.", "parameters", "Parameters to optimize.");
            w.Line("public " + name + "(" + Names.IEnumerable + "<" + Names.Parameter + "> parameters, " + declared + ")");
            w.Line("    : this(new ParamGroup[] { new ParamGroup(parameters) }, " + forwarded + ")");
            w.Line("{");
            w.Line("}");
            w.Line();

            EmitDocs(w, hyper, "Creates the optimizer for named parameters (as returned by <c>named_parameters()</c>).", "parameters", "Named parameters to optimize.");
            w.Line("public " + name + "(" + Names.IEnumerable + "<(string name, " + Names.Parameter + " parameter)> parameters, " + declared + ")");
            w.Line("    : this(global::System.Linq.Enumerable.Select(parameters, __p => __p.parameter), " + forwarded + ")");
            w.Line("{");
            w.Line("}");
            w.Line();

            EmitDocs(w, hyper, "Creates the optimizer for several parameter groups; options a group leaves unset take the values given here.", "parameters", "Parameter groups.");
            using (w.Block("public " + name + "(" + Names.IEnumerable + "<ParamGroup> parameters, " + declared + ")"))
            {
                w.Line("if (parameters is null) throw new global::System.ArgumentNullException(nameof(parameters));");
                HyperParameter lr = hyper.First(h => h.Role == ArgumentRole.LearningRate);
                bool nullableLr = lr.Kind == HyperKind.NullableDouble;
                if (nullableLr)
                {
                    w.Line(Names.Arguments + ".CheckAdafactor(" + lr.Name + ", relative_step, warmup_init);");
                }

                w.Line("var __defaults = new Options");
                w.Line("{");
                w.Indent();
                string initial = nullableLr ? lr.Name + " ?? 0.0" : lr.Name;
                w.Line("LearningRate = " + initial + ",");
                w.Line("InitialLearningRate = " + initial + ",");
                foreach (HyperParameter h in hyper.Where(h => h.Role != ArgumentRole.LearningRate))
                {
                    w.Line(h.Name + " = " + h.Name + ",");
                }

                w.Outdent();
                w.Line("};");
                w.Line("Validate(__defaults);");
                w.Line("_defaults = __defaults;");
                w.Line("_fused = fused;");
                w.Line("_parameter_groups = new " + Names.List + "<" + Names.BaseParamGroup + ">();");
                using (w.Block("foreach (ParamGroup __group in parameters)"))
                {
                    w.Line("add_param_group(__group);");
                }
            }

            w.Line();
            EmitValidate(w, plan);
        }

        private static void EmitDocs(CodeWriter w, IReadOnlyList<HyperParameter> hyper, string summary, string first, string firstDoc)
        {
            w.Line("/// <summary>" + summary + "</summary>");
            w.Line("/// <param name=\"" + first + "\">" + firstDoc + "</param>");
            foreach (HyperParameter h in hyper)
            {
                w.Line("/// <param name=\"" + h.Name + "\">" + Xml(h.Documentation) + " (default: " + Xml(h.DefaultLiteral) + ").</param>");
            }

            w.Line("/// <param name=\"fused\">The fused CPU kernels: null (default) uses them for every float32/float64 contiguous CPU parameter and tensor operations for the others; false always uses tensor operations; true uses the kernels and throws an <see cref=\"global::System.ArgumentException\"/> at the step for a parameter that cannot take them.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">An argument is outside its allowed range; the message names it.</exception>");
        }

        private static void EmitValidate(CodeWriter w, OptimizerPlan plan)
        {
            w.Line("/// <summary>Checks every resolved option of a group against its allowed range.</summary>");
            using (w.Block("private static void Validate(Options __options)"))
            {
                foreach (HyperParameter h in plan.HyperParameters.Where(h => h.HasRange))
                {
                    Interval range = h.Range!.Value;
                    string check = Names.Arguments + ".CheckRange({0}, \"" + h.Name + "\", "
                        + Bound(range.Min) + ", " + Bool(range.MinInclusive) + ", " + Bound(range.Max) + ", " + Bool(range.MaxInclusive) + ");";
                    if (h.Role == ArgumentRole.LearningRate)
                    {
                        w.Line(string.Format(System.Globalization.CultureInfo.InvariantCulture, check, "__options.LearningRate!.Value"));
                    }
                    else if (h.Kind == HyperKind.NullableDouble)
                    {
                        w.Line("if (__options." + h.Name + " is double __" + h.Name + "Value) " + string.Format(System.Globalization.CultureInfo.InvariantCulture, check, "__" + h.Name + "Value"));
                    }
                    else
                    {
                        w.Line(string.Format(System.Globalization.CultureInfo.InvariantCulture, check, "__options." + h.Name + "!.Value"));
                    }
                }

                foreach (HyperParameter h in plan.HyperParameters.Where(h => h.Kind == HyperKind.Aggregation))
                {
                    w.Line(Names.Arguments + ".CheckAggregationRule(__options." + h.Name + "!.Value, \"" + h.Name + "\");");
                }

                foreach (HyperParameter h in plan.HyperParameters.Where(h => h.Role == ArgumentRole.Dtype))
                {
                    w.Line(Names.Arguments + ".CheckFloatingDtype(__options." + h.Name + ", \"" + h.Name + "\");");
                }

                if (plan.Blocks.Momentum is { Input: MomentInput.Gradient })
                {
                    w.Line(Names.Arguments + ".CheckNesterov(__options.nesterov!.Value, __options.momentum!.Value, __options.dampening!.Value);");
                }
            }

            w.Line();
        }

        private static string Bound(double? value) => value is null ? "null" : HyperParameters.Literal(value.Value);

        private static string Bool(bool value) => value ? "true" : "false";

        internal static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
