using System;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;

namespace OptimDsl.Generator.Naming
{
    /// <summary>
    /// How the generated code names what it introduces for its own use, so that the names a declaration chooses (the
    /// arguments of <c>[FirstMoment(Name = ...)]</c> and <c>[SecondMoment(Name = ...)]</c>, which become constructor
    /// parameters, <c>Options</c> fields and step locals) can never collide with it.
    /// </summary>
    internal static class Identifiers
    {
        /// <summary>
        /// The prefix of every identifier the emitters and the step lowering introduce inside generated bodies and nested
        /// types: locals, lambda, local-function and private-method parameters, pattern and catch variables, the lowered
        /// step's values (tensor-path locals, <c>FusedTensor</c> fields and kernel locals). Two underscores, so that a local
        /// never reads as (or shadows) a private field.
        /// </summary>
        public const string Local = "__";

        /// <summary>
        /// What a chosen name may not start with: it covers <see cref="Local"/>, the generated private fields
        /// (<c>_fused</c>, <c>_checkpoint</c>, <c>_owner</c>, <c>_index</c>) and TorchSharp's protected ones that the
        /// generated code uses (<c>_state</c>, <c>_defaults</c>, <c>_parameter_groups</c>, <c>_parameter</c>).
        /// </summary>
        public const string Reserved = "_";

        /// <summary>
        /// The generated code's names that cannot take a prefix and that a chosen name could collide with: they are in scope
        /// wherever chosen names are (the constructors, <c>StepGroup</c>, the <c>Options</c> class). Public API (constructor and
        /// override parameters, TorchSharp's members) or members of the generated types that those bodies call by simple
        /// name; <see cref="All"/> lists them, with the kernels' cached delegates of every <see cref="KernelPass"/>.
        /// </summary>
        public static class Members
        {
            // Constructor parameters next to the arguments (the optimizer's and the ParamGroup's).
            public const string Parameters = "parameters";
            public const string Fused = "fused";

            // Options: TorchSharp's members it overrides or sets, its own type name, the parameter of the override that copies fields by simple name.
            public const string Options = "Options";
            public const string LearningRate = "LearningRate";
            public const string InitialLearningRate = "InitialLearningRate";
            public const string LoadStateDict = "LoadStateDict";
            public const string SaveStateDict = "SaveStateDict";
            public const string Source = "source";

            // Members of the optimizer called by simple name from the constructors, Options and StepGroup.
            public const string StateFormat = "StateFormat";
            public const string Validate = "Validate";
            public const string AddParamGroup = "add_param_group";
            public const string GradientsFinite = "GradientsFinite";
            public const string FusedCriticalChecks = "FusedCriticalChecks";
            public const string PlanCriticalOffers = "PlanCriticalOffers";
            public const string CompleteCriticalOffers = "CompleteCriticalOffers";
            public const string PrepareSm3 = "PrepareSm3";
            public const string CommitSm3 = "CommitSm3";
            public const string PrepareAdafactor = "PrepareAdafactor";
            public const string FinishAdafactorStatistics = "FinishAdafactorStatistics";
            public const string FinishAdafactorClip = "FinishAdafactorClip";

            // The constructors check their first argument with nameof.
            public const string NameOf = "nameof";

            /// <summary>Every constant above, and each kernel's cached delegates (<c>UpdateSingle</c>, <c>UpdateDouble</c>, ...).</summary>
            public static readonly ImmutableHashSet<string> All = ImmutableHashSet.CreateRange(
                StringComparer.Ordinal,
                typeof(Members).GetFields(BindingFlags.Public | BindingFlags.Static)
                    .Where(f => f.IsLiteral && f.FieldType == typeof(string))
                    .Select(f => (string)f.GetRawConstantValue()!)
                    .Concat(Enum.GetNames(typeof(KernelPass)).SelectMany(k => new[] { k + "Single", k + "Double" })));
        }

        /// <summary>A lowered name without <see cref="Local"/>, for messages (e.g. the state tensor a lowered operand reads).</summary>
        public static string Unprefixed(string name) =>
            name.StartsWith(Local, StringComparison.Ordinal) ? name.Substring(Local.Length) : name;
    }
}
