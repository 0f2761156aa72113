using System.Collections.Generic;
using Microsoft.CodeAnalysis.CSharp;
using OptimDsl.Generator.Diagnostics;
using OptimDsl.Generator.Model;
using OptimDsl.Generator.Arguments;

namespace OptimDsl.Generator.Validation
{
    /// <summary>Generated argument names must be identifiers and unique (a renamed block may collide with another).</summary>
    internal static class ArgumentNames
    {
        // Identifiers of the generated code that an argument (constructor parameter, Options field, step local) would
        // collide with: parameters and locals of the emitted methods, members of the generated types and of TorchSharp's
        // OptimizerOptions/OptimizerHelper that the emitted code uses by simple name, 'nameof', and arguments that have
        // no step local (topC, seed). Keep in sync with the emitters (the generator tests find new collisions).
        private static readonly HashSet<string> Reserved = new(System.StringComparer.Ordinal)
        {
            "parameters", "defaults", "group", "options", "grads", "priorities", "kappaWeight", "i", "index", "param", "grad",
            "state", "d", "numerator", "denom", "nu", "update", "learningRate", "firstMomentBeta", "negativeStepSize",
            "decoupledFactor", "weightDecayScalar", "momentumScalar", "oneMinusDampening", "beta1Scalar", "oneMinusBeta1",
            "beta2Scalar", "oneMinusBeta2", "one", "epsScalar", "secondMomentCorrection", "firstMomentCorrection",
            "reader", "writer", "source", "other", "rhs", "device", "disposing", "closure", "entry", "param_group", "optionsBase",
            "nameof", "value", "Validate", "StateFormat", "LearningRate", "InitialLearningRate", "Options", "ParamGroup", "State",
            "LoadStateDict", "SaveStateDict", "Initialize", "ApproximatelyEquals", "Dispose", "StepGroup", "step", "add_param_group",
            "_defaults", "_parameter_groups", "_state", "_parameter", "_index", "Betas", "Momentum", "topC", "seed",
            "fused", "Fused", "_fused", "_fusedSingle", "_fusedDouble", "single", "dual", "tensorPath", "batch", "t", "rowLength",
            "seedsOnly", "negativeOne", "negativeWeightDecay", "WhyNotFused", "FusedTensor", "FusedCriticalChecks", "PlanCriticalOffers", "CompleteCriticalOffers",
            "skipped_steps", "GradientsFinite", "FusedFinite", "GradientCheck", "GradientCheckSingle", "GradientCheckDouble", "batchIndex",
            "staged", "stagedBase", "at", "e", "_owner", "_checkpoint", "Checkpoint", "location", "state_dict", "save_state_dict", "load_state_dict",
        };

        public static void Check(List<DiagnosticInfo> diagnostics, OptimizerDeclaration declaration, IReadOnlyList<HyperParameter> arguments)
        {
            var seen = new HashSet<string>();
            foreach (HyperParameter p in arguments)
            {
                LocationInfo? at = LocationOf(declaration.Blocks, p.Name) ?? declaration.OptimizerAttributeLocation;
                if (!SyntaxFacts.IsValidIdentifier(p.Name) || SyntaxFacts.GetKeywordKind(p.Name) != SyntaxKind.None)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgumentName, at, p.Name, "it is not a valid C# identifier"));
                }
                else if (IsUserName(declaration.Blocks, p.Name) && (Reserved.Contains(p.Name) || p.Name.StartsWith("__", System.StringComparison.Ordinal)))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgumentName, at, p.Name, "the generated code uses this name itself"));
                }
                else if (!seen.Add(p.Name))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgumentName, at, p.Name, "another block already generates an argument with this name"));
                }
            }
        }

        // Names chosen in the declaration ([FirstMoment(Name = ...)], [SecondMoment(Name = ...)]).
        private static bool IsUserName(BlockSet b, string name) => b.FirstMoment?.Name == name || b.SecondMoment?.Name == name;

        private static LocationInfo? LocationOf(BlockSet b, string name) =>
            b.FirstMoment?.Name == name ? b.FirstMoment.At(nameof(FirstMomentAttribute.Name))
            : b.SecondMoment?.Name == name ? b.SecondMoment.At(nameof(SecondMomentAttribute.Name))
            : null;
    }
}
