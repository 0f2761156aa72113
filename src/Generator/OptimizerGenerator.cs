using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using OptimDsl.Generator.Diagnostics;
using OptimDsl.Generator.Emission;
using OptimDsl.Generator.Model;
using OptimDsl.Generator.Parsing;
using OptimDsl.Generator.Planning;
using OptimDsl.Generator.Validation;

namespace OptimDsl.Generator
{
    /// <summary>
    /// The OptimDsl incremental generator: parse → validate → plan → emit, each stage a pure function over
    /// value-equatable models. Diagnostics travel as data on a separate output so that moving an attribute does not
    /// regenerate source, and the generator never throws (failures become ODSL9999).
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class OptimizerGenerator : IIncrementalGenerator
    {
        private static readonly string Version = typeof(OptimizerGenerator).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";

        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<Result<OptimizerDeclaration>> parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    DeclarationParser.OptimizerAttributeName,
                    static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                    static (ctx, ct) => SafeParse(ctx, ct))
                .WithTrackingName(TrackingNames.Parse);

            IncrementalValuesProvider<Result<OptimizerDeclaration>> validated = parsed
                .Select(static (r, _) => Validate(r))
                .WithTrackingName(TrackingNames.Validate);

            IncrementalValuesProvider<OptimizerPlan> plans = validated
                .Where(static r => r.Value is not null && !r.Diagnostics.Any(IsError))
                .Select(static (r, _) => Planner.Plan(r.Value!.WithoutLocations()))
                .WithTrackingName(TrackingNames.Plan);

            IncrementalValueProvider<bool> hasTorchSharp = context.CompilationProvider
                .Select(static (c, _) => c.GetTypeByMetadataName("TorchSharp.Modules.OptimizerHelper") is not null)
                .WithTrackingName(TrackingNames.Compilation);

            context.RegisterSourceOutput(plans.Combine(hasTorchSharp), static (spc, pair) => Emit(spc, pair.Left, pair.Right));

            context.RegisterSourceOutput(
                validated.Select(static (r, _) => r.Diagnostics).WithTrackingName(TrackingNames.Diagnostics),
                static (spc, diagnostics) =>
                {
                    foreach (DiagnosticInfo d in diagnostics)
                    {
                        spc.ReportDiagnostic(d.ToDiagnostic());
                    }
                });

            IncrementalValueProvider<ImmutableArray<(string Name, LocationInfo? Location)>> names = parsed
                .Where(static r => r.Value is not null)
                .Select(static (r, _) => (r.Value!.Type.Name, r.Value.OptimizerAttributeLocation))
                .Collect()
                .WithTrackingName(TrackingNames.Names);

            context.RegisterSourceOutput(names.Combine(hasTorchSharp), static (spc, pair) => ReportCompilationWide(spc, pair.Left, pair.Right));
        }

        private static Result<OptimizerDeclaration> SafeParse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            try
            {
                return DeclarationParser.Parse(context, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LocationInfo? at = LocationInfo.From(context.TargetNode.GetLocation());
                return new Result<OptimizerDeclaration>(null, new[]
                {
                    DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, at, context.TargetSymbol.Name, e.GetType().Name + ": " + e.Message),
                }.ToEquatableArray());
            }
        }

        private static Result<OptimizerDeclaration> Validate(Result<OptimizerDeclaration> parsed)
        {
            if (parsed.Value is null)
            {
                return parsed;
            }

            EquatableArray<DiagnosticInfo> found = DeclarationValidator.Validate(parsed.Value);
            return parsed with { Diagnostics = parsed.Diagnostics.Concat(found).ToEquatableArray() };
        }

        private static bool IsError(DiagnosticInfo info) =>
            DiagnosticDescriptors.ById(info.DescriptorId)?.DefaultSeverity == DiagnosticSeverity.Error;

        private static void Emit(SourceProductionContext context, OptimizerPlan plan, bool hasTorchSharp)
        {
            if (!hasTorchSharp)
            {
                return;
            }

            try
            {
                string source = OptimizerEmitter.Emit(plan, Version);
                context.AddSource(plan.Type.HintName + ".g.cs", SourceText.From(source, System.Text.Encoding.UTF8));
            }
            catch (Exception e)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.InternalError, Location.None, plan.Type.Name, e.GetType().Name + ": " + e.Message));
            }
        }

        private static void ReportCompilationWide(SourceProductionContext context, ImmutableArray<(string Name, LocationInfo? Location)> names, bool hasTorchSharp)
        {
            if (names.IsEmpty)
            {
                return;
            }

            if (!hasTorchSharp)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.TorchSharpMissing, names[0].Location?.ToLocation()));
            }

            foreach (var group in names.GroupBy(n => n.Name).Where(g => g.Count() > 1))
            {
                foreach (var entry in group)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateCheckpointName, entry.Location?.ToLocation(), entry.Name));
                }
            }
        }
    }
}
