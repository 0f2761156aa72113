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
            EquatableArray<ArgumentLocation> optimizerArguments = ArgumentLocations(optimizerAttribute);
            double lr = new AttributeReader(optimizerAttribute).Double(nameof(OptimizerAttribute.Lr), Defaults.Optimizer.Lr);
            BlockSet blocks = ReadBlocks(symbol.GetAttributes(), diagnostics);

            var type = new TypeDeclarationInfo(
                symbol.ContainingNamespace.IsGlobalNamespace ? null : symbol.ContainingNamespace.ToDisplayString(),
                symbol.Name,
                AccessibilityKeyword(symbol.DeclaredAccessibility),
                symbol.IsSealed,
                containing.ToEquatableArray());

            var declaration = new OptimizerDeclaration(
                type, lr, LocationInfo.From(optimizerAttribute.ApplicationSyntaxReference), blocks,
                ArgumentLocation.Find(optimizerArguments, nameof(OptimizerAttribute.Lr)));
            return new Result<OptimizerDeclaration>(declaration, diagnostics.ToEquatableArray());
        }

        // Every value not written in an attribute is the default of the DSL's own declaration (compiled into the generator):
        // the parser holds no default of its own.
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
                EquatableArray<ArgumentLocation> arguments = ArgumentLocations(attribute);
                T Located<T>(T block)
                    where T : Block => (T)(((Block)block) with { Arguments = arguments });

                set = attributeClass.Name switch
                {
                    nameof(MaximizeAttribute) => set with { Maximize = Located(new MaximizeBlock(read.Bool(nameof(MaximizeAttribute.Default), Defaults.Maximize.Default), at)) },
                    nameof(WeightDecayAttribute) => set with
                    {
                        WeightDecay = Located(new WeightDecayBlock(
                            read.Double(nameof(WeightDecayAttribute.Default), Defaults.WeightDecay.Default),
                            read.Enum(nameof(WeightDecayAttribute.Mode), Defaults.WeightDecay.Mode),
                            read.Enum(nameof(WeightDecayAttribute.Order), Defaults.WeightDecay.Order),
                            at)),
                    },
                    nameof(MomentumAttribute) => set with
                    {
                        Momentum = Located(new MomentumBlock(
                            read.Double(nameof(MomentumAttribute.Default), Defaults.Momentum.Default),
                            read.Double(nameof(MomentumAttribute.Dampening), Defaults.Momentum.Dampening),
                            read.Bool(nameof(MomentumAttribute.Nesterov), Defaults.Momentum.Nesterov),
                            read.Enum(nameof(MomentumAttribute.Input), Defaults.Momentum.Input),
                            at)),
                    },
                    nameof(FirstMomentAttribute) => set with
                    {
                        FirstMoment = Located(new FirstMomentBlock(
                            read.Double(nameof(FirstMomentAttribute.Beta), Defaults.FirstMoment.Beta),
                            read.String(nameof(FirstMomentAttribute.Name), Defaults.FirstMoment.Name),
                            read.Enum(nameof(FirstMomentAttribute.Input), Defaults.FirstMoment.Input),
                            at)),
                    },
                    nameof(SecondMomentAttribute) => set with
                    {
                        SecondMoment = Located(new SecondMomentBlock(
                            read.Double(nameof(SecondMomentAttribute.Beta), Defaults.SecondMoment.Beta),
                            read.String(nameof(SecondMomentAttribute.Name), Defaults.SecondMoment.Name),
                            read.Bool(nameof(SecondMomentAttribute.Centered), Defaults.SecondMoment.Centered),
                            read.Bool(nameof(SecondMomentAttribute.CenteredDefault), Defaults.SecondMoment.CenteredDefault),
                            at)),
                    },
                    nameof(AccumulatorAttribute) => set with
                    {
                        Accumulator = Located(new AccumulatorBlock(read.Double(nameof(AccumulatorAttribute.InitialValue), Defaults.Accumulator.InitialValue), at)),
                    },
                    nameof(AmsGradAttribute) => set with { AmsGrad = Located(new AmsGradBlock(read.Bool(nameof(AmsGradAttribute.Default), Defaults.AmsGrad.Default), at)) },
                    nameof(BiasCorrectionAttribute) => set with { BiasCorrection = Located(new BiasCorrectionBlock(at)) },
                    nameof(EpsilonAttribute) => set with
                    {
                        Epsilon = Located(new EpsilonBlock(
                            read.PositionalDouble(0, Defaults.Epsilon.Default),
                            read.Enum(nameof(EpsilonAttribute.Placement), Defaults.Epsilon.Placement),
                            at)),
                    },
                    nameof(LrDecayAttribute) => set with { LrDecay = Located(new LrDecayBlock(read.Double(nameof(LrDecayAttribute.Default), Defaults.LrDecay.Default), at)) },
                    nameof(CriticalBufferAttribute) => set with { CriticalBuffer = Located(ReadCriticalBuffer(read, at)) },
                    nameof(SM3Attribute) => set with { SM3 = Located(new SM3Block(read.Double(nameof(SM3Attribute.Beta), Defaults.SM3.Beta), at)) },
                    nameof(SkipNonFiniteAttribute) => set with
                    {
                        SkipNonFinite = Located(new SkipNonFiniteBlock(read.Bool(nameof(SkipNonFiniteAttribute.Default), Defaults.SkipNonFinite.Default), at)),
                    },
                    nameof(AdafactorAttribute) => set with
                    {
                        Adafactor = Located(new AdafactorBlock(
                            read.Double(nameof(AdafactorAttribute.Eps1), Defaults.Adafactor.Eps1),
                            read.Double(nameof(AdafactorAttribute.Eps2), Defaults.Adafactor.Eps2),
                            read.Double(nameof(AdafactorAttribute.ClipThreshold), Defaults.Adafactor.ClipThreshold),
                            read.Double(nameof(AdafactorAttribute.DecayRate), Defaults.Adafactor.DecayRate),
                            read.Bool(nameof(AdafactorAttribute.ScaleParameter), Defaults.Adafactor.ScaleParameter),
                            read.Bool(nameof(AdafactorAttribute.RelativeStep), Defaults.Adafactor.RelativeStep),
                            read.Bool(nameof(AdafactorAttribute.WarmupInit), Defaults.Adafactor.WarmupInit),
                            at)),
                    },
                    _ => set,
                };
            }

            return set;
        }

        private static CriticalBufferBlock ReadCriticalBuffer(AttributeReader read, LocationInfo? at)
        {
            CriticalBufferAttribute d = Defaults.CriticalBuffer;
            return new(
                TopC: read.Int(nameof(d.TopC), d.TopC),
                Decay: read.Double(nameof(d.Decay), d.Decay),
                Kappa: read.Double(nameof(d.Kappa), d.Kappa),
                KappaUse: read.Enum(nameof(d.KappaUse), d.KappaUse),
                Source: read.Enum(nameof(d.Source), d.Source),
                Synced: read.Bool(nameof(d.Synced), d.Synced),
                Structure: read.Enum(nameof(d.Structure), d.Structure),
                Aggregation: read.Enum(nameof(d.Aggregation), d.Aggregation),
                AggregationArgument: read.Bool(nameof(d.AggregationArgument), d.AggregationArgument),
                FirstStep: read.Enum(nameof(d.FirstStep), d.FirstStep),
                FeedsSecondMoment: read.Bool(nameof(d.FeedsSecondMoment), d.FeedsSecondMoment),
                SeedWithGradient: read.Bool(nameof(d.SeedWithGradient), d.SeedWithGradient),
                RandomReplacement: read.Bool(nameof(d.RandomReplacement), d.RandomReplacement),
                BufferDtypeArgument: read.Bool(nameof(d.BufferDtypeArgument), d.BufferDtypeArgument),
                MaxAge: read.Int(nameof(d.MaxAge), d.MaxAge),
                Sum: read.Enum(nameof(d.Sum), d.Sum),
                Location: at);
        }

        // Where each argument of the attribute is written: named ones (`Decay = 0`) under their name, positional ones under
        // their constructor parameter's name. Read from the attribute's syntax (AttributeData has no argument locations).
        private static EquatableArray<ArgumentLocation> ArgumentLocations(AttributeData attribute)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax() is not AttributeSyntax { ArgumentList: { } list })
            {
                return EquatableArray<ArgumentLocation>.Empty;
            }

            ImmutableArray<IParameterSymbol> parameters = attribute.AttributeConstructor?.Parameters ?? ImmutableArray<IParameterSymbol>.Empty;
            var result = new List<ArgumentLocation>();
            int position = 0;
            foreach (AttributeArgumentSyntax argument in list.Arguments)
            {
                string? name = argument.NameEquals?.Name.Identifier.ValueText
                    ?? argument.NameColon?.Name.Identifier.ValueText
                    ?? (position < parameters.Length ? parameters[position].Name : null);
                if (argument.NameEquals is null && argument.NameColon is null)
                {
                    position++;
                }

                if (name is not null && LocationInfo.From(argument.GetLocation()) is { } location)
                {
                    result.Add(new ArgumentLocation(name, location));
                }
            }

            return result.ToEquatableArray();
        }

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
