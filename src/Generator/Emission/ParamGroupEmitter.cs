using System.Linq;
using OptimDsl.Generator.Arguments;
using OptimDsl.Generator.Planning;
using OptimDsl.Shared;

namespace OptimDsl.Generator.Emission
{
    /// <summary>The nested <c>ParamGroup</c>: typed options, a convenience constructor, and scheduler interfaces.</summary>
    internal static class ParamGroupEmitter
    {
        public static void Emit(CodeWriter w, OptimizerPlan plan)
        {
            string interfaces = (plan.ImplementsBetas ? ", " + Names.IBetas : string.Empty)
                + (plan.ImplementsMomentum ? ", " + Names.IMomentum : string.Empty);
            w.Line("/// <summary>A group of parameters with its own hyper-parameters.</summary>");
            using (w.Block("public sealed class ParamGroup : global::TorchSharp.Modules.ParamGroup<Options>" + interfaces))
            {
                w.Line("/// <summary>Creates an empty group.</summary>");
                w.Line("public ParamGroup() { }");
                w.Line();
                w.Line("/// <summary>Creates a group with the given options.</summary>");
                w.Line("/// <param name=\"parameters\">The group's parameters.</param>");
                w.Line("/// <param name=\"options\">The group's options.</param>");
                w.Line("public ParamGroup(" + Names.IEnumerable + "<" + Names.Parameter + "> parameters, Options options) : base(parameters, options) { }");
                w.Line();
                string args = string.Join(", ", plan.HyperParameters.Select(h => (h.IsNullableValue ? h.ClrType : h.ClrType + "?") + " " + h.Name + " = null"));
                w.Line("/// <summary>Creates a group; arguments left null take the optimizer's defaults.</summary>");
                w.Line("/// <param name=\"parameters\">The group's parameters.</param>");
                foreach (HyperParameter h in plan.HyperParameters)
                {
                    w.Line("/// <param name=\"" + h.Name + "\">" + ConstructorEmitter.Xml(h.Documentation) + ".</param>");
                }

                w.Line("public ParamGroup(" + Names.IEnumerable + "<" + Names.Parameter + "> parameters, " + args + ")");
                w.Line("    : base(parameters, new Options { LearningRate = " + plan.HyperParameters.First(h => h.Role == ArgumentRole.LearningRate).Name + ", "
                    + string.Join(", ", plan.HyperParameters.Where(h => h.Role != ArgumentRole.LearningRate).Select(h => h.Name + " = " + h.Name)) + " })");
                w.Line("{");
                w.Line("}");
                w.Line();

                if (plan.ImplementsBetas)
                {
                    w.Line("/// <summary>This group's (beta1, beta2).</summary>");
                    using (w.Block("public (double, double) Betas"))
                    {
                        w.Line("get => (Options.beta1!.Value, Options.beta2!.Value);");
                        w.Line("set { Options.beta1 = value.Item1; Options.beta2 = value.Item2; }");
                    }

                    w.Line();
                }

                if (plan.ImplementsMomentum)
                {
                    w.Line("/// <summary>This group's momentum.</summary>");
                    using (w.Block("public double Momentum"))
                    {
                        w.Line("get => Options.momentum!.Value;");
                        w.Line("set => Options.momentum = value;");
                    }
                }
            }

            w.Line();
        }
    }
}
