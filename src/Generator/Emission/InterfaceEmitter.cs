namespace OptimDsl.Generator.Emission
{
    /// <summary>IBetas / IMomentum on the optimizer (its defaults) so cycling LR schedulers can drive them.</summary>
    internal static class InterfaceEmitter
    {
        public static void Emit(CodeWriter w, Planning.OptimizerPlan plan)
        {
            if (plan.ImplementsBetas)
            {
                w.Line("/// <summary>The default (beta1, beta2) of new groups; schedulers set them on each group.</summary>");
                using (w.Block("public (double, double) Betas"))
                {
                    w.Line("get => (((Options)_defaults).beta1!.Value, ((Options)_defaults).beta2!.Value);");
                    w.Line("set { ((Options)_defaults).beta1 = value.Item1; ((Options)_defaults).beta2 = value.Item2; }");
                }

                w.Line();
            }

            if (plan.ImplementsMomentum)
            {
                w.Line("/// <summary>The default momentum of new groups; schedulers set it on each group.</summary>");
                using (w.Block("public double Momentum"))
                {
                    w.Line("get => ((Options)_defaults).momentum!.Value;");
                    w.Line("set => ((Options)_defaults).momentum = value;");
                }

                w.Line();
            }
        }
    }
}
