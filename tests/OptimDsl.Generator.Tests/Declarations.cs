using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace OptimDsl.Generator.Tests
{
    /// <summary>The declarations the snapshot, quality and performance tests run the generator on.</summary>
    public static class Declarations
    {
        /// <summary>
        /// Compositions that the catalog does not spell out, written here so their generated code is pinned too
        /// (key = snapshot name suffix).
        /// </summary>
        public static readonly IReadOnlyDictionary<string, string> Composed = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["AdamCriticalMomentaSlots"] = """
                namespace MyApp.Optimizers
                {
                    using OptimDsl;

                    /// <summary>Adam with a slot buffer of critical momenta.</summary>
                    [Optimizer(Lr = 3e-4)]
                    [FirstMoment(Beta = 0.9)]
                    [CriticalBuffer(TopC = 5, Decay = 0.9, Source = CriticalSource.Momentum, Structure = CriticalBufferStructure.Slots, MaxAge = 100)]
                    [SecondMoment(Beta = 0.999)]
                    [AmsGrad]
                    [BiasCorrection]
                    [Epsilon(1e-8)]
                    public sealed partial class AdamCriticalMomenta
                    {
                    }
                }
                """,

            ["SkipNonFiniteSm3"] = """
                namespace MyApp.Optimizers
                {
                    using OptimDsl;

                    /// <summary>SM3 with momentum that skips the steps of groups with a NaN or infinite gradient.</summary>
                    [Optimizer(Lr = 0.1)]
                    [SkipNonFinite]
                    [SM3]
                    [Epsilon(1e-30, Placement = EpsilonPlacement.InsideSqrt)]
                    [FirstMoment(Beta = 0.9, Name = "momentum", Input = MomentInput.Preconditioned)]
                    public sealed partial class SkippingSm3
                    {
                    }
                }
                """,

            ["SkipNonFiniteHeapMomenta"] = """
                namespace MyApp.Optimizers
                {
                    using OptimDsl;

                    /// <summary>Adam with a heap of critical momenta, skipping non-finite steps only when asked.</summary>
                    [Optimizer]
                    [SkipNonFinite(Default = false)]
                    [FirstMoment]
                    [CriticalBuffer(Source = CriticalSource.Momentum, Structure = CriticalBufferStructure.Heap, TopC = 4)]
                    [SecondMoment]
                    [BiasCorrection]
                    [Epsilon]
                    public sealed partial class SkippingHeapMomenta
                    {
                    }
                }
                """,

            ["SgdHeapCriticalGradientsAggr"] = """
                namespace MyApp.Optimizers
                {
                    using OptimDsl;

                    /// <summary>SGD with momentum and a heap buffer of critical gradients, the aggregation rule as an argument.</summary>
                    [Optimizer(Lr = 0.05)]
                    [Momentum(Default = 0.9, Dampening = 0.0, Nesterov = true)]
                    [WeightDecay(Default = 5e-4)]
                    [CriticalBuffer(TopC = 20, Decay = 0.99, Kappa = 0.5, Structure = CriticalBufferStructure.Heap,
                        Aggregation = AggregationRule.Mid, AggregationArgument = true, Synced = false, BufferDtypeArgument = false)]
                    [Maximize]
                    public partial class SgdHeapCritical
                    {
                    }
                }
                """,

            ["RMSpropCenteredMomentum"] = """
                using OptimDsl;

                namespace MyApp.Optimizers;

                /// <summary>Centered RMSprop with momentum of the preconditioned update.</summary>
                [Optimizer(Lr = 1e-2)]
                [SecondMoment(Beta = 0.95, Name = "alpha", Centered = true)]
                [Momentum(Default = 0.9, Input = MomentInput.Preconditioned)]
                [Epsilon(1e-6)]
                [WeightDecay(Default = 1e-5)]
                internal sealed partial class CenteredRMSprop
                {
                }
                """,

            ["AdagradEpsInsideSqrt"] = """
                namespace MyApp.Optimizers
                {
                    using OptimDsl;

                    /// <summary>Adagrad with an initial accumulator, learning-rate decay and epsilon inside the square root.</summary>
                    [Optimizer(Lr = 0.1)]
                    [Accumulator(InitialValue = 0.1)]
                    [LrDecay(Default = 1e-4)]
                    [Epsilon(1e-10, Placement = EpsilonPlacement.InsideSqrt)]
                    [WeightDecay(Default = 0.0)]
                    public partial class AdagradInside
                    {
                    }
                }
                """,

            ["PreconditionedFirstMoment"] = """
                namespace MyApp.Optimizers
                {
                    using OptimDsl;

                    /// <summary>A first moment of the preconditioned update (momentum after the denominator), renamed betas.</summary>
                    [Optimizer]
                    [SecondMoment(Beta = 0.99, Name = "b2")]
                    [FirstMoment(Beta = 0.8, Name = "b1", Input = MomentInput.Preconditioned)]
                    [Epsilon(1e-8)]
                    [WeightDecay(Default = 0.01, Mode = WeightDecayMode.Decoupled)]
                    public partial class PreconditionedMoment
                    {
                    }
                }
                """,

            ["NestedInGlobalNamespace"] = """
                using OptimDsl;

                /// <summary>Containing types of several kinds, no namespace.</summary>
                public static partial class Outer
                {
                    internal partial struct Middle
                    {
                        /// <summary>Plain gradient descent, nested.</summary>
                        [Optimizer(Lr = 1)]
                        internal sealed partial class PlainGd
                        {
                        }
                    }
                }
                """,
        };

        /// <summary>Catalog declaration files, relative to src/Runtime/Catalog with '/' separators, sorted.</summary>
        public static IReadOnlyList<string> CatalogFiles() =>
            Directory.Exists(TestPaths.CatalogDirectory)
                ? Directory.EnumerateFiles(TestPaths.CatalogDirectory, "*.cs", SearchOption.AllDirectories)
                    .Select(p => Path.GetRelativePath(TestPaths.CatalogDirectory, p).Replace(Path.DirectorySeparatorChar, '/'))
                    .OrderBy(p => p, StringComparer.Ordinal)
                    .ToList()
                : Array.Empty<string>();

        /// <summary>The text of a catalog file.</summary>
        public static string ReadCatalog(string relativePath) =>
            File.ReadAllText(Path.Combine(TestPaths.CatalogDirectory, relativePath.Replace('/', Path.DirectorySeparatorChar)));

        /// <summary>Snapshot name of a catalog file: <c>Catalog.&lt;file name&gt;</c> (file names are unique, see the tests).</summary>
        public static string CatalogSnapshotName(string relativePath) => "Catalog." + Path.GetFileNameWithoutExtension(relativePath);

        /// <summary>xunit data: one row per catalog file.</summary>
        public static TheoryData<string> CatalogData()
        {
            var data = new TheoryData<string>();
            foreach (string file in CatalogFiles())
            {
                data.Add(file);
            }

            return data;
        }

        /// <summary>xunit data: one row per composed declaration.</summary>
        public static TheoryData<string> ComposedData()
        {
            var data = new TheoryData<string>();
            foreach (string name in Composed.Keys)
            {
                data.Add(name);
            }

            return data;
        }

        /// <summary>Every snapshot case as "Catalog/&lt;file&gt;" or "Composed/&lt;name&gt;".</summary>
        public static IReadOnlyList<string> AllCaseNames() =>
            CatalogFiles().Select(f => "Catalog/" + f).Concat(Composed.Keys.Select(n => "Composed/" + n)).ToList();

        /// <summary>xunit data: every snapshot case (see <see cref="AllCaseNames"/>).</summary>
        public static TheoryData<string> AllCases()
        {
            var data = new TheoryData<string>();
            foreach (string name in AllCaseNames())
            {
                data.Add(name);
            }

            return data;
        }

        /// <summary>The source of a case from <see cref="AllCases"/>.</summary>
        public static string SourceOf(string testCase) =>
            testCase.StartsWith("Catalog/", StringComparison.Ordinal)
                ? ReadCatalog(testCase.Substring("Catalog/".Length)) + "\n" + ReproducesStandIn + "\n"
                : Composed[testCase.Substring("Composed/".Length)];

        /// <summary>
        /// A stand-in for the runtime's internal <c>[Reproduces]</c>, which catalog files use: compiled outside the runtime
        /// (with its metadata), a catalog file needs it to compile, so <see cref="SourceOf"/> appends it.
        /// </summary>
        public const string ReproducesStandIn =
            "namespace OptimDsl { internal sealed class ReproducesAttribute : System.Attribute { public ReproducesAttribute(string reference) { } } }";

        /// <summary>A tree path for a case that looks like the real file.</summary>
        public static string PathOf(string testCase) =>
            testCase.StartsWith("Catalog/", StringComparison.Ordinal)
                ? "/src/Runtime/Catalog/" + testCase.Substring("Catalog/".Length)
                : "/src/" + testCase.Substring("Composed/".Length) + ".cs";
    }
}
