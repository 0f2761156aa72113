using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using OptimDsl.Generator.Diagnostics;
using OptimDsl.Generator.Model;

namespace OptimDsl.Generator.Parsing
{
    /// <summary>
    /// Stage 1 (parse): turns the symbol of an <c>[Optimizer]</c> class into an <see cref="OptimizerDeclaration"/>
    /// of plain values. Reports only problems of the declaration's shape (not partial, generic, ...).
    /// </summary>
    internal static class DeclarationParser
    {
        public const string DslNamespace = "OptimDsl";
        public const string OptimizerAttributeName = DslNamespace + ".OptimizerAttribute";

        public static Result<OptimizerDeclaration> Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var symbol = (INamedTypeSymbol)context.TargetSymbol;
            var syntax = (TypeDeclarationSyntax)context.TargetNode;
            var diagnostics = new List<DiagnosticInfo>();
            LocationInfo? classLocation = LocationInfo.From(syntax.Identifier.GetLocation());

            if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPartial, classLocation, symbol.Name));
            }

            if (symbol.TypeParameters.Length > 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.Generic, classLocation, symbol.Name));
            }

            string? notPlain = syntax is RecordDeclarationSyntax ? "a record"
                : symbol.IsStatic ? "static"
                : symbol.BaseType is { SpecialType: not SpecialType.System_Object } baseType
                    && baseType.ToDisplayString() != "TorchSharp.Modules.OptimizerHelper" ? "derived from '" + baseType.ToDisplayString() + "'"
                : null;
            if (notPlain is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotAPlainClass, classLocation, symbol.Name, notPlain));
            }

            var containing = new List<ContainingTypeInfo>();
            for (SyntaxNode? parent = syntax.Parent; parent is TypeDeclarationSyntax typeSyntax; parent = parent.Parent)
            {
                if (!typeSyntax.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.ContainingTypeNotPartial, classLocation, symbol.Name, typeSyntax.Identifier.Text));
                }

                if (typeSyntax.TypeParameterList is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.Generic, classLocation, typeSyntax.Identifier.Text));
                }

                containing.Insert(0, new ContainingTypeInfo(KeywordOf(typeSyntax), typeSyntax.Identifier.Text));
            }

            cancellationToken.ThrowIfCancellationRequested();

            AttributeData optimizerAttribute = context.Attributes[0];
            double lr = new AttributeReader(optimizerAttribute).Double("Lr", 1e-3);
            BlockSet blocks = ReadBlocks(symbol.GetAttributes(), diagnostics);

            var type = new TypeDeclarationInfo(
                symbol.ContainingNamespace.IsGlobalNamespace ? null : symbol.ContainingNamespace.ToDisplayString(),
                symbol.Name,
                AccessibilityKeyword(symbol.DeclaredAccessibility),
                symbol.IsSealed,
                containing.ToEquatableArray());

            var declaration = new OptimizerDeclaration(
                type, lr, LocationInfo.From(optimizerAttribute.ApplicationSyntaxReference), blocks);
            return new Result<OptimizerDeclaration>(declaration, diagnostics.ToEquatableArray());
        }

        private static BlockSet ReadBlocks(ImmutableArray<AttributeData> attributes, List<DiagnosticInfo> diagnostics)
        {
            var set = new BlockSet();
            foreach (AttributeData attribute in attributes)
            {
                INamedTypeSymbol? attributeClass = attribute.AttributeClass;
                if (attributeClass is null || attributeClass.ContainingNamespace.ToDisplayString() != DslNamespace)
                {
                    continue;
                }

                var read = new AttributeReader(attribute);
                LocationInfo? at = LocationInfo.From(attribute.ApplicationSyntaxReference);
                set = attributeClass.Name switch
                {
                    "MaximizeAttribute" => set with { Maximize = new MaximizeBlock(read.Bool("Default", false), at) },
                    "WeightDecayAttribute" => set with
                    {
                        WeightDecay = new WeightDecayBlock(
                            read.Double("Default", 0.0),
                            read.Enum("Mode", WeightDecayMode.L2),
                            read.Enum("Order", WeightDecayOrder.BeforeCriticalBuffer),
                            at),
                    },
                    "MomentumAttribute" => set with
                    {
                        Momentum = new MomentumBlock(
                            read.Double("Default", 0.0), read.Double("Dampening", 0.0), read.Bool("Nesterov", false),
                            read.Enum("Input", MomentInput.Gradient), at),
                    },
                    "FirstMomentAttribute" => set with
                    {
                        FirstMoment = new FirstMomentBlock(
                            read.Double("Beta", 0.9), read.String("Name", "beta1"), read.Enum("Input", MomentInput.Gradient), at),
                    },
                    "SecondMomentAttribute" => set with
                    {
                        SecondMoment = new SecondMomentBlock(
                            read.Double("Beta", 0.999), read.String("Name", "beta2"), read.Bool("Centered", false), read.Bool("CenteredDefault", false), at),
                    },
                    "AccumulatorAttribute" => set with { Accumulator = new AccumulatorBlock(read.Double("InitialValue", 0.0), at) },
                    "AmsGradAttribute" => set with { AmsGrad = new AmsGradBlock(read.Bool("Default", false), at) },
                    "BiasCorrectionAttribute" => set with { BiasCorrection = new BiasCorrectionBlock(at) },
                    "EpsilonAttribute" => set with
                    {
                        Epsilon = new EpsilonBlock(
                            read.PositionalDouble(0, 1e-8), read.Enum("Placement", EpsilonPlacement.OutsideSqrt), at),
                    },
                    "LrDecayAttribute" => set with { LrDecay = new LrDecayBlock(read.Double("Default", 0.0), at) },
                    "CriticalBufferAttribute" => set with { CriticalBuffer = ReadCriticalBuffer(read, at) },
                    "SM3Attribute" => set with { SM3 = new SM3Block(read.Double("Beta", 0.0), at) },
                    "SkipNonFiniteAttribute" => set with { SkipNonFinite = new SkipNonFiniteBlock(read.Bool("Default", true), at) },
                    "AdafactorAttribute" => set with
                    {
                        Adafactor = new AdafactorBlock(
                            read.Double("Eps1", 1e-30), read.Double("Eps2", 1e-3), read.Double("ClipThreshold", 1.0),
                            read.Double("DecayRate", -0.8), read.Bool("ScaleParameter", true), read.Bool("RelativeStep", true),
                            read.Bool("WarmupInit", false), at),
                    },
                    _ => set,
                };
            }

            return set;
        }

        private static CriticalBufferBlock ReadCriticalBuffer(AttributeReader read, LocationInfo? at) => new(
            TopC: read.Int("TopC", 10),
            Decay: read.Double("Decay", 0.7),
            Kappa: read.Double("Kappa", 1.0),
            KappaUse: read.Enum("KappaUse", KappaUse.Weight),
            Source: read.Enum("Source", CriticalSource.Gradient),
            Synced: read.Bool("Synced", true),
            Structure: read.Enum("Structure", CriticalBufferStructure.Slots),
            Aggregation: read.Enum("Aggregation", AggregationRule.Sum),
            AggregationArgument: read.Bool("AggregationArgument", false),
            FirstStep: read.Enum("FirstStep", CriticalFirstStep.Unaggregated),
            FeedsSecondMoment: read.Bool("FeedsSecondMoment", false),
            SeedWithGradient: read.Bool("SeedWithGradient", false),
            RandomReplacement: read.Bool("RandomReplacement", false),
            BufferDtypeArgument: read.Bool("BufferDtypeArgument", true),
            MaxAge: read.Int("MaxAge", 0),
            Sum: read.Enum("Sum", CriticalSum.Running),
            Location: at);

        private static string KeywordOf(TypeDeclarationSyntax syntax) => syntax switch
        {
            RecordDeclarationSyntax r when r.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
            RecordDeclarationSyntax => "record",
            StructDeclarationSyntax => "struct",
            InterfaceDeclarationSyntax => "interface",
            _ => "class",
        };

        private static string AccessibilityKeyword(Accessibility accessibility) => accessibility switch
        {
            Accessibility.Public => "public",
            Accessibility.Private => "private",
            Accessibility.Protected => "protected",
            Accessibility.ProtectedOrInternal => "protected internal",
            Accessibility.ProtectedAndInternal => "private protected",
            _ => "internal",
        };
    }
}
