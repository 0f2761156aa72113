using System.Linq;
using OptimDsl.Generator.Arguments;
using OptimDsl.Generator.Planning;
using OptimDsl.Shared;

namespace OptimDsl.Generator.Emission
{
    /// <summary>
    /// <c>add_param_group</c>: rejects parameters that appear twice, fills unset options from the defaults, validates, and
    /// creates each parameter's state eagerly; nothing changes when it throws.
    /// </summary>
    internal static class AddParamGroupEmitter
    {
        public static void Emit(CodeWriter w, OptimizerPlan plan)
        {
            w.Line("/// <summary>Adds a parameter group; options it leaves unset take the optimizer's defaults.</summary>");
            w.Line("/// <param name=\"param_group\">The group (must be a <see cref=\"ParamGroup\"/> of this optimizer).</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">An option is out of range, or a parameter appears twice (in this group or in another one); the message names it.</exception>");
            using (w.Block("public override void add_param_group(" + Names.BaseParamGroup + " param_group)"))
            {
                w.Line("if (param_group is null) throw new global::System.ArgumentNullException(nameof(param_group));");
                w.Line("var __defaults = (Options)_defaults;");
                w.Line("param_group.Options ??= new Options();");
                w.Line("if (param_group.Options is not Options __options)");
                w.Line("{");
                w.Line("    throw new global::System.ArgumentException(\"The parameter group's options must be \" + typeof(Options).FullName + \".\", nameof(param_group));");
                w.Line("}");
                w.Line();
                w.Line("__options.LearningRate ??= __defaults.LearningRate;");
                foreach (HyperParameter h in plan.HyperParameters.Where(h => h.Role != ArgumentRole.LearningRate))
                {
                    w.Line("__options." + h.Name + " ??= __defaults." + h.Name + ";");
                }

                w.Line("__options.InitialLearningRate = __options.LearningRate!.Value;");
                w.Line("Validate(__options);");
                w.Line("global::OptimDsl.Runtime.ParameterChecks.CheckDistinct(_parameter_groups, param_group.Parameters, nameof(param_group));");
                w.Line("Checkpoint.Attach(__options);");
                w.Line("_parameter_groups.Add(param_group);");
                w.Line();
                using (w.Block("foreach (" + Names.Parameter + " __parameter in param_group.Parameters)"))
                {
                    w.Line("var __state = new State(__parameter, _state.Count);");
                    w.Line("__state.Initialize(__options);");
                    w.Line("Checkpoint.Attach(__state);");
                    w.Line("_state[__parameter.Handle] = __state;");
                }
            }

            w.Line();
        }
    }
}
