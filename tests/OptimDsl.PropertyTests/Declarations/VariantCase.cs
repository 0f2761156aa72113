using System.Linq;
using FsCheck;
using FsCheck.Fluent;

namespace OptimDsl.PropertyTests.Declarations
{
    /// <summary>One property case: a random valid declaration (with its arguments) and a scenario seed.</summary>
    public sealed record VariantCase(Declaration Decl, int ScenarioSeed)
    {
        public override string ToString() => Decl + "(scenario seed " + ScenarioSeed + ")";

        /// <summary>Random cases; shrinking simplifies the declaration and keeps the scenario.</summary>
        public static Arbitrary<VariantCase> Arbitrary() =>
            Arb.From(
                from declarationSeed in Gen.Choose(0, int.MaxValue)
                from scenarioSeed in Gen.Choose(0, int.MaxValue)
                select new VariantCase(DeclarationGenerator.Create(declarationSeed), scenarioSeed),
                c => DeclarationShrinker.Shrink(c.Decl).Select(d => c with { Decl = d }));
    }
}
