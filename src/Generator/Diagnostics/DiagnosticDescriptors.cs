using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace OptimDsl.Generator.Diagnostics
{
    /// <summary>The catalogue of OptimDsl diagnostics (documented in docs/DIAGNOSTICS.md).</summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "OptimDsl";
        private const string HelpBase = "https://github.com/optimdsl/optimdsl/blob/main/docs/DIAGNOSTICS.md#";

        public static readonly DiagnosticDescriptor NotPartial = Create(
            "ODSL0001", "Optimizer class must be partial",
            "The optimizer class '{0}' must be declared 'partial' so OptimDsl can generate its members",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor Generic = Create(
            "ODSL0002", "Optimizer class must not be generic",
            "The optimizer class '{0}' is generic; declare a non-generic class (checkpoints identify optimizers by type name)",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Create(
            "ODSL0003", "Containing type must be partial",
            "The optimizer class '{0}' is nested in '{1}', which must also be declared 'partial'",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor ConflictingBlocks = Create(
            "ODSL0004", "Conflicting building blocks",
            "[{0}] cannot be combined with [{1}]: {2}; remove one of them",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor MissingRequiredBlock = Create(
            "ODSL0005", "Building block requires another block",
            "[{0}] requires [{1}]: {2}",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor ValueOutOfRange = Create(
            "ODSL0006", "Hyper-parameter default out of range",
            "{0} = {1} is out of range: {2}",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor DuplicateCheckpointName = Create(
            "ODSL0007", "Optimizer name collides in checkpoints",
            "Another optimizer in this compilation is also named '{0}'; TorchSharp checkpoints identify an optimizer by its type name, so their saved states could be loaded into each other: rename one",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor OptionIgnored = Create(
            "ODSL0008", "Option has no effect",
            "{0} has no effect here: {1}",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor InvalidArgumentName = Create(
            "ODSL0009", "Invalid or duplicate argument name",
            "'{0}' cannot be used as a generated argument name: {1}",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor TorchSharpMissing = Create(
            "ODSL0010", "TorchSharp is not referenced",
            "OptimDsl generates TorchSharp optimizers, but TorchSharp.Modules.OptimizerHelper was not found: add a reference to the TorchSharp package",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor BlockWithoutOptimizer = Create(
            "ODSL0011", "Building block on a class that is not an optimizer",
            "[{0}] has no effect: '{1}' is not marked [Optimizer]; add [Optimizer] or remove the block",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor NotAPlainClass = Create(
            "ODSL0012", "Optimizer must be a plain class",
            "'{0}' cannot be an optimizer because it is {1}; declare a non-static class that is not a record and has no base class (the generated part derives from OptimizerHelper)",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor InternalError = Create(
            "ODSL9999", "OptimDsl internal error",
            "OptimDsl could not generate '{0}': {1}. Please report this issue.",
            DiagnosticSeverity.Error);

        private static readonly Dictionary<string, DiagnosticDescriptor> All = new[]
        {
            NotPartial, Generic, ContainingTypeNotPartial, ConflictingBlocks, MissingRequiredBlock, ValueOutOfRange,
            DuplicateCheckpointName, OptionIgnored, InvalidArgumentName, TorchSharpMissing, BlockWithoutOptimizer, NotAPlainClass, InternalError,
        }.ToDictionary(d => d.Id);

        public static IEnumerable<DiagnosticDescriptor> Catalogue => All.Values;

        public static DiagnosticDescriptor? ById(string id) => All.TryGetValue(id, out DiagnosticDescriptor? d) ? d : null;

        private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity) =>
            new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: HelpBase + id.ToLowerInvariant());
    }
}
