using System;
using System.Linq;
using OptimDsl.Examples.Shared;
using OptimDsl.Examples.Shared.Declared;
using Xunit;

namespace OptimDsl.Examples.Tests.Shared
{
    /// <summary>
    /// The registry of examples/Landscapes (catalog plus examples/Shared/Declared): what it contains, in which order, and
    /// how names are looked up.
    /// </summary>
    public sealed class OptimizerRegistryTests
    {
        /// <summary>The catalog as README.md lists it.</summary>
        private static readonly string[] CatalogNamesInReadme =
        {
            "SGD", "Adam", "AdamW", "RMSprop", "Adagrad",
            "SGD_C", "Adam_C", "AdamW_C", "RMSprop_C", "SGD_C_eff", "Adam_C_eff", "AdamW_C_eff", "RMSprop_C_eff",
            "Adam_CM", "CM_Adam_C", "CM_SGD_C", "CM_RMSprop_C", "SM3", "Adafactor",
            "CriticalSGD", "CriticalAdam", "CriticalAdamW", "CriticalRMSprop", "CriticalMomentaAdam",
            "SM3CriticalMomenta", "AdafactorCriticalGradients",
        };

        private static readonly OptimizerRegistry Registry =
            OptimizerRegistry.CatalogAndDeclaredIn(typeof(AdamCMAggregateSecondMoment).Assembly);

        [Fact]
        public void EveryCatalogOptimizerOfTheReadmeIsFoundWithItsOrigin()
        {
            foreach (string name in CatalogNamesInReadme)
            {
                OptimizerEntry entry = Registry.Get(name);
                Assert.Equal(name, entry.Name);
                Assert.Equal(OptimizerRegistry.CatalogOrigin, entry.Origin);
                Assert.Equal(OptimizerRegistry.CatalogNamespace, entry.Type.Namespace);
            }
        }

        [Fact]
        public void TheDeclaredOptimizersOfTheExampleAreFoundAfterTheCatalog()
        {
            Assert.Equal(OptimizerRegistry.DeclaredOrigin, Registry.Get(nameof(AdamCMAggregateSecondMoment)).Origin);
            Assert.Equal(OptimizerRegistry.DeclaredOrigin, Registry.Get(nameof(AdamCMMean)).Origin);
            Assert.Same(typeof(AdamCMMean), Registry.Get(nameof(AdamCMMean)).Type);

            string[] origins = Registry.Entries.Select(e => e.Origin).ToArray();
            int firstDeclared = Array.IndexOf(origins, OptimizerRegistry.DeclaredOrigin);
            Assert.True(firstDeclared > 0, "the catalog comes first");
            Assert.All(origins.Take(firstDeclared), o => Assert.Equal(OptimizerRegistry.CatalogOrigin, o));
            Assert.All(origins.Skip(firstDeclared), o => Assert.Equal(OptimizerRegistry.DeclaredOrigin, o));
        }

        [Fact]
        public void EachPartIsSortedByNameOrdinally()
        {
            foreach (var part in Registry.Entries.GroupBy(e => e.Origin))
            {
                string[] names = part.Select(e => e.Name).ToArray();
                Assert.Equal(names.OrderBy(n => n, StringComparer.Ordinal), names);
            }
        }

        [Fact]
        public void NamesAreTheEntriesNamesInOrder()
        {
            Assert.Equal(Registry.Entries.Select(e => e.Name), Registry.Names);
        }

        [Theory]
        [InlineData("adam_cm", "Adam_CM")]
        [InlineData("ADAM", "Adam")]
        [InlineData("  adamcmmean ", "AdamCMMean")]
        [InlineData("sm3criticalmomenta", "SM3CriticalMomenta")]
        public void LookupIgnoresCaseAndSurroundingSpaces(string asked, string expected)
        {
            Assert.True(Registry.Contains(asked));
            Assert.Equal(expected, Registry.Get(asked).Name);
        }

        [Fact]
        public void AnUnknownNameIsAnErrorThatListsEveryValidName()
        {
            var error = Assert.Throws<UnknownOptimizerException>(() => Registry.Get("Adamm"));
            Assert.Equal("Adamm", error.Name);
            Assert.StartsWith("Unknown optimizer 'Adamm'. Valid names: ", error.Message);
            string listed = error.Message["Unknown optimizer 'Adamm'. Valid names: ".Length..].TrimEnd('.');
            Assert.Equal(Registry.Names, listed.Split(", "));
            Assert.False(Registry.Contains("Adamm"));
        }
    }
}
