using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace OptimDsl.Generator.Tests
{
    /// <summary>One attribute application: <c>[Name(positional, Named = value, ...)]</c>; values are C# source text.</summary>
    public sealed record AttributeCase(string Name, ImmutableArray<string> Positional, ImmutableArray<(string Name, string Value)> Named)
    {
        public override string ToString()
        {
            IEnumerable<string> args = Positional.Concat(Named.Select(n => n.Name + " = " + n.Value));
            string list = string.Join(", ", args);
            return list.Length == 0 ? Name : Name + "(" + list + ")";
        }
    }

    /// <summary>Where the optimizer class sits.</summary>
    public enum NamespaceKind
    {
        Global,
        Block,
        FileScoped,
    }

    /// <summary>
    /// A random optimizer declaration assembled from the DSL's vocabulary: blocks with named arguments (valid, out of
    /// range, extreme or undefined-enum values, and argument names that are valid, duplicated, keywords or names the
    /// generated code itself uses), class modifiers and containing types. <see cref="ToString"/> is the C# source.
    /// </summary>
    public sealed record DeclarationCase(
        NamespaceKind Namespace,
        string? Container,
        string Accessibility,
        string Modifier,
        bool Partial,
        string Kind,
        bool Generic,
        ImmutableArray<AttributeCase> Attributes,
        string BaseList = "")
    {
        public const string ClassName = "RandomOptimizer";

        public string Source
        {
            get
            {
                var sb = new StringBuilder();
                sb.Append("using OptimDsl;\n");
                string indent = string.Empty;
                if (Namespace == NamespaceKind.FileScoped)
                {
                    sb.Append("namespace Random.Optimizers;\n");
                }
                else if (Namespace == NamespaceKind.Block)
                {
                    sb.Append("namespace Random.Optimizers\n{\n");
                    indent += "    ";
                }

                if (Container is not null)
                {
                    sb.Append(indent).Append(Container).Append('\n').Append(indent).Append("{\n");
                    indent += "    ";
                }

                foreach (AttributeCase a in Attributes)
                {
                    sb.Append(indent).Append('[').Append(a).Append("]\n");
                }

                var head = new List<string>();
                if (Accessibility.Length > 0)
                {
                    head.Add(Accessibility);
                }

                if (Modifier.Length > 0)
                {
                    head.Add(Modifier);
                }

                if (Partial)
                {
                    head.Add("partial");
                }

                head.Add(Kind);
                sb.Append(indent).Append(string.Join(" ", head)).Append(' ').Append(ClassName).Append(Generic ? "<T>" : string.Empty).Append(BaseList).Append('\n');
                sb.Append(indent).Append("{\n").Append(indent).Append("}\n");

                if (Container is not null)
                {
                    indent = indent.Substring(4);
                    sb.Append(indent).Append("}\n");
                }

                if (Namespace == NamespaceKind.Block)
                {
                    sb.Append("}\n");
                }

                return sb.ToString();
            }
        }

        public override string ToString() => "\n" + Source;
    }

    /// <summary>FsCheck generators and shrinkers for <see cref="DeclarationCase"/>.</summary>
    public static class RandomDeclarations
    {
        /// <summary>Doubles that suit most hyper-parameters.</summary>
        private static readonly double[] TypicalDoubles = { 0.0, 0.5, 0.9, 0.99, 0.999, 1e-8, 1e-3, 0.1 };

        /// <summary>Doubles at or beyond the edges: boundary, out-of-range and extreme (no NaN).</summary>
        private static readonly double[] EdgeDoubles =
        {
            1.0, 2.0, 10.0, -0.8, 1.5, -1.0, -0.5, 1e-30, double.Epsilon, double.MaxValue, -double.MaxValue,
            double.PositiveInfinity, double.NegativeInfinity, -0.0,
        };

        private static readonly string[] TypicalInts = { "0", "1", "5", "10", "20" };

        private static readonly string[] EdgeInts = { "-1", "-3", "int.MaxValue", "int.MinValue" };

        private static readonly string[] Bools = { "true", "false" };

        /// <summary>Argument names that are fine on their own (some collide with other blocks' arguments).</summary>
        public static readonly string[] GoodNames =
        {
            "beta1", "beta2", "alpha", "b1", "b2", "rho", "β", "_beta", "Beta",
            "lr", "eps", "momentum", "weight_decay", "beta", "centered", "amsgrad", "maximize", "decay", "kappa",
        };

        /// <summary>Argument names that are not identifiers, or that the generated code uses itself.</summary>
        public static readonly string[] BadNames =
        {
            "class", "int", "my beta", "1x", "", "@alpha",
            "parameters", "options", "group", "grads", "param", "grad", "state", "d", "numerator", "denom", "index", "i",
            "defaults", "nameof", "Validate", "StateFormat", "LearningRate", "InitialLearningRate", "step", "closure",
            "priorities", "topC", "seed",
        };

        /// <summary>Blocks that belong together (SGD, Adam, RMSprop, Adagrad, SM3, Adafactor families).</summary>
        private static readonly string[][] Families =
        {
            new[] { "Momentum", "WeightDecay", "Maximize", "CriticalBuffer", "LrDecay", "SkipNonFinite" },
            new[] { "FirstMoment", "SecondMoment", "AmsGrad", "BiasCorrection", "Epsilon", "WeightDecay", "Maximize", "CriticalBuffer", "SkipNonFinite" },
            new[] { "SecondMoment", "Momentum", "Epsilon", "WeightDecay", "Maximize", "CriticalBuffer", "SkipNonFinite" },
            new[] { "Accumulator", "LrDecay", "Epsilon", "WeightDecay", "Maximize", "SkipNonFinite" },
            new[] { "SM3", "FirstMoment", "Epsilon", "WeightDecay", "CriticalBuffer", "SkipNonFinite" },
            new[] { "Adafactor", "Maximize", "CriticalBuffer", "SkipNonFinite" },
        };

        /// <summary>Containing type declarations (null: top level).</summary>
        private static readonly string?[] Containers =
        {
            null, null, null, null, null, null, null, null,
            "public partial class Outer", "internal static partial class Outer", "public partial struct Outer",
            "public partial record Outer", "public partial record struct Outer", "public partial class Outer<TOuter>",
            "public class Outer", "public static class Outer",
        };

        /// <summary>Block vocabulary: attribute name → named arguments → value generator.</summary>
        private static Dictionary<string, (bool Positional, Dictionary<string, Gen<string>> Named)> Vocabulary(bool factored)
        {
            Gen<string> d = DoubleGen();
            Gen<string> b = Gen.Elements(Bools);
            Gen<string> i = Gen.Frequency((7, Gen.Elements(TypicalInts)), (1, Gen.Elements(EdgeInts)));
            Gen<string> n = Gen.Frequency((5, Gen.Elements(GoodNames)), (1, Gen.Elements(BadNames))).Select(s => "\"" + s + "\"");
            Gen<string> Enum(string type, params string[] values) =>
                Gen.Frequency(
                    (20, Gen.Elements(values).Select(v => type + "." + v)),
                    (1, Gen.Elements("(" + type + ")7", "(" + type + ")(-1)")));

            var vocabulary = new Dictionary<string, (bool, Dictionary<string, Gen<string>>)>
            {
                ["Maximize"] = (false, new()),
                ["WeightDecay"] = (false, new() { ["Default"] = d, ["Mode"] = Enum("WeightDecayMode", "L2", "Decoupled"), ["Order"] = Enum("WeightDecayOrder", "BeforeCriticalBuffer", "AfterCriticalBuffer") }),
                ["Momentum"] = (false, new() { ["Default"] = d, ["Dampening"] = d, ["Nesterov"] = b, ["Input"] = Enum("MomentInput", "Gradient", "Preconditioned") }),
                ["FirstMoment"] = (false, new() { ["Beta"] = d, ["Name"] = n, ["Input"] = Enum("MomentInput", "Gradient", "Preconditioned") }),
                ["SecondMoment"] = (false, new() { ["Beta"] = d, ["Name"] = n, ["Centered"] = b }),
                ["Accumulator"] = (false, new() { ["InitialValue"] = d }),
                ["AmsGrad"] = (false, new()),
                ["BiasCorrection"] = (false, new()),
                ["Epsilon"] = (true, new() { ["Placement"] = Enum("EpsilonPlacement", "OutsideSqrt", "InsideSqrt") }),
                ["LrDecay"] = (false, new() { ["Default"] = d }),
                ["SkipNonFinite"] = (false, new() { ["Default"] = b }),
                ["CriticalBuffer"] = (false, new()
                {
                    ["TopC"] = i, ["Decay"] = d, ["Kappa"] = d, ["KappaUse"] = Enum("KappaUse", "Weight", "Switch"),
                    ["Source"] = Enum("CriticalSource", "Gradient", "Momentum"), ["Synced"] = b,
                    ["Structure"] = Enum("CriticalBufferStructure", "Slots", "Heap"),
                    ["Aggregation"] = Enum("AggregationRule", "Sum", "Mid", "Mean", "BufferMeanOnly"), ["AggregationArgument"] = b,
                    ["FirstStep"] = Enum("CriticalFirstStep", "Unaggregated", "NoOp"), ["FeedsSecondMoment"] = b, ["SeedWithGradient"] = b,
                    ["RandomReplacement"] = b, ["BufferDtypeArgument"] = b, ["MaxAge"] = i,
                    ["Sum"] = Enum("CriticalSum", "Running", "Recompute"),
                }),
            };

            if (factored)
            {
                vocabulary["SM3"] = (false, new() { ["Beta"] = d });
                vocabulary["Adafactor"] = (false, new()
                {
                    ["Eps1"] = d, ["Eps2"] = d, ["ClipThreshold"] = d, ["DecayRate"] = d,
                    ["ScaleParameter"] = b, ["RelativeStep"] = b, ["WarmupInit"] = b,
                });
            }

            return vocabulary;
        }

        /// <summary>C# source text of a double (culture-invariant, round-trippable).</summary>
        public static string Literal(double value) =>
            double.IsPositiveInfinity(value) ? "double.PositiveInfinity"
            : double.IsNegativeInfinity(value) ? "double.NegativeInfinity"
            : value == double.MaxValue ? "double.MaxValue"
            : value == -double.MaxValue ? "-double.MaxValue"
            : value == double.Epsilon ? "double.Epsilon"
            : value.ToString("R", CultureInfo.InvariantCulture) is var s && (s.Contains('.') || s.Contains('E')) ? s : value.ToString("R", CultureInfo.InvariantCulture) + ".0";

        private static Gen<string> DoubleGen() =>
            Gen.Frequency((7, Gen.Elements(TypicalDoubles)), (1, Gen.Elements(EdgeDoubles))).Select(Literal);

        private static Gen<AttributeCase> AttributeGen(string name, bool positional, Dictionary<string, Gen<string>> named)
        {
            Gen<ImmutableArray<string>> positionalGen = positional
                ? Gen.Frequency((1, Gen.Constant(ImmutableArray<string>.Empty)), (2, DoubleGen().Select(ImmutableArray.Create)))
                : Gen.Constant(ImmutableArray<string>.Empty);
            // Each named argument with probability 1/3.
            Gen<ImmutableArray<(string, string)>> namedGen = Gen.CollectToArray(
                    named.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray(),
                    k => Gen.Frequency(
                        (2, Gen.Constant<(string, string)?>(null)),
                        (1, named[k].Select(v => ((string, string)?)(k, v)))))
                .Select(pairs => pairs.Where(p => p is not null).Select(p => p!.Value).ToImmutableArray());
            return from p in positionalGen
                   from n in namedGen
                   select new AttributeCase(name, p, n);
        }

        /// <summary>Declarations; <paramref name="factored"/> adds [SM3] and [Adafactor] (when the Runtime has their helpers).</summary>
        public static Gen<DeclarationCase> Declarations(bool factored)
        {
            var vocabulary = Vocabulary(factored);
            Gen<AttributeCase> optimizer = Gen.Frequency(
                (2, Gen.Constant(new AttributeCase("Optimizer", ImmutableArray<string>.Empty, ImmutableArray<(string, string)>.Empty))),
                (3, DoubleGen().Select(v => new AttributeCase("Optimizer", ImmutableArray<string>.Empty, ImmutableArray.Create(("Lr", v))))));

            // Half the cases: each block with probability 1/4 (about three blocks, often clashing). The other half: blocks of
            // one optimizer family, each with probability 2/3 (mostly coherent compositions, so that many cases compile).
            Gen<ImmutableArray<AttributeCase>> Pick(IEnumerable<string> names, int skipWeight, int takeWeight) => Gen.CollectToArray(
                    names.Where(vocabulary.ContainsKey).OrderBy(k => k, StringComparer.Ordinal).ToArray(),
                    k => Gen.Frequency(
                        (skipWeight, Gen.Constant<AttributeCase?>(null)),
                        (takeWeight, AttributeGen(k, vocabulary[k].Positional, vocabulary[k].Named).Select(a => (AttributeCase?)a))))
                .Select(all => all.Where(a => a is not null).Select(a => a!).ToImmutableArray());
            Gen<ImmutableArray<AttributeCase>> blocks = Gen.Frequency(
                (1, Pick(vocabulary.Keys, 3, 1)),
                (1, Gen.Elements(Families).SelectMany(family => Pick(family, 1, 2))));

            Gen<ImmutableArray<AttributeCase>> attributes =
                from o in optimizer
                from bs in blocks
                from order in Gen.Shuffle(bs.Add(o).ToArray())
                select order.ToImmutableArray();

            Gen<(string Modifier, string Kind)> shape = Gen.Frequency(
                (40, Gen.Constant(("", "class"))),
                (10, Gen.Constant(("sealed", "class"))),
                (3, Gen.Constant(("abstract", "class"))),
                (1, Gen.Constant(("static", "class"))),
                (1, Gen.Constant(("", "record"))),
                (1, Gen.Constant(("sealed", "record class"))));

            return from ns in Gen.Elements(NamespaceKind.Global, NamespaceKind.Block, NamespaceKind.FileScoped)
                   from container in Gen.Elements(Containers)
                   from access in Gen.Elements("public", "internal", "")
                   from s in shape
                   from partial in Gen.Frequency((19, Gen.Constant(true)), (1, Gen.Constant(false)))
                   from generic in Gen.Frequency((29, Gen.Constant(false)), (1, Gen.Constant(true)))
                   from attrs in attributes
                   from baseList in Gen.Frequency(
                       (40, Gen.Constant("")),
                       (1, Gen.Constant(" : TorchSharp.Modules.OptimizerHelper")),
                       (1, Gen.Constant(" : System.Collections.Generic.List<int>")))
                   select new DeclarationCase(ns, container, access, s.Modifier, partial, s.Kind, generic, attrs, baseList);
        }

        /// <summary>Shrinks towards fewer blocks, fewer arguments and plain modifiers (keeping [Optimizer]).</summary>
        public static IEnumerable<DeclarationCase> Shrink(DeclarationCase c)
        {
            if (c.Container is not null)
            {
                yield return c with { Container = null };
            }

            if (c.Namespace != NamespaceKind.Global)
            {
                yield return c with { Namespace = NamespaceKind.Global };
            }

            if (c.Generic)
            {
                yield return c with { Generic = false };
            }

            if (c.BaseList.Length > 0)
            {
                yield return c with { BaseList = "" };
            }

            if (!c.Partial)
            {
                yield return c with { Partial = true };
            }

            if (c.Modifier.Length > 0 || c.Kind != "class")
            {
                yield return c with { Modifier = "", Kind = "class" };
            }

            if (c.Accessibility != "public")
            {
                yield return c with { Accessibility = "public" };
            }

            for (int i = 0; i < c.Attributes.Length; i++)
            {
                if (c.Attributes[i].Name != "Optimizer")
                {
                    yield return c with { Attributes = c.Attributes.RemoveAt(i) };
                }
            }

            for (int i = 0; i < c.Attributes.Length; i++)
            {
                AttributeCase a = c.Attributes[i];
                for (int j = 0; j < a.Named.Length; j++)
                {
                    yield return c with { Attributes = c.Attributes.SetItem(i, a with { Named = a.Named.RemoveAt(j) }) };
                }

                if (a.Positional.Length > 0)
                {
                    yield return c with { Attributes = c.Attributes.SetItem(i, a with { Positional = ImmutableArray<string>.Empty }) };
                }
            }
        }

        /// <summary>The arbitrary used by the property.</summary>
        public static Arbitrary<DeclarationCase> Arbitrary(bool factored) => Arb.From(Declarations(factored), Shrink);
    }
}
