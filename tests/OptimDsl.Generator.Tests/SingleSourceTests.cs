using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Xunit;

namespace OptimDsl.Generator.Tests
{
    /// <summary>
    /// One description of the DSL: the attribute and enum sources of src/Dsl are compiled into the generator (internal,
    /// <c>OPTIMDSL_GENERATOR</c>), the parser takes every default from a default instance of them, and the argument roles
    /// with their intervals (src/Shared/ArgumentRoles.cs) are compiled into both the generator and the runtime. These tests
    /// fail when any copy drifts: the Dsl assembly against the generator's compiled-in declarations, the parser's defaults,
    /// the documented defaults (docs/DSL.md), and the compile-time ranges against the generated run-time checks and the
    /// runtime's message. The generator's internals are reached by reflection (it grants no InternalsVisibleTo).
    /// </summary>
    public class SingleSourceTests
    {
        private static readonly Assembly Dsl = typeof(OptimizerAttribute).Assembly;
        private static readonly Assembly Generator = typeof(OptimizerGenerator).Assembly;
        private static readonly Assembly Runtime = typeof(OptimDsl.Runtime.Arguments).Assembly;

        private static IEnumerable<Type> DslTypes() =>
            Dsl.GetExportedTypes().Where(t => t.Namespace == "OptimDsl").OrderBy(t => t.Name, StringComparer.Ordinal);

        private static IEnumerable<Type> DslAttributes() => DslTypes().Where(t => typeof(Attribute).IsAssignableFrom(t));

        [Fact]
        public void The_generator_does_not_load_the_dsl_assembly() =>
            Assert.DoesNotContain(Generator.GetReferencedAssemblies(), a => a.Name == Dsl.GetName().Name);

        [Fact]
        public void Every_dsl_type_is_compiled_into_the_generator_with_the_same_members_and_defaults()
        {
            var problems = new List<string>();
            foreach (Type dsl in DslTypes())
            {
                Type? copy = Generator.GetType(dsl.FullName!);
                if (copy is null)
                {
                    problems.Add(dsl.FullName + " is not compiled into the generator");
                    continue;
                }

                if (copy.IsPublic)
                {
                    problems.Add(dsl.FullName + " is public in the generator (expected internal)");
                }

                if (dsl.IsEnum)
                {
                    Check(dsl.Name, DescribeEnum(dsl), DescribeEnum(copy));
                    continue;
                }

                Check(dsl.Name + " properties", DescribeProperties(dsl), DescribeProperties(copy));
                object? dslDefault = DefaultInstance(dsl);
                object? copyDefault = DefaultInstance(copy);
                if (dslDefault is null || copyDefault is null)
                {
                    continue;
                }

                foreach (PropertyInfo property in dsl.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.DeclaringType == dsl))
                {
                    Check(dsl.Name + "." + property.Name, Format(property.GetValue(dslDefault)), Format(copy.GetProperty(property.Name)!.GetValue(copyDefault)));
                }
            }

            Assert.True(problems.Count == 0, string.Join("\n", problems));

            void Check(string what, string expected, string actual)
            {
                if (expected != actual)
                {
                    problems.Add(what + ": OptimDsl.Dsl has " + expected + ", the generator " + actual);
                }
            }
        }

        /// <summary>
        /// The parser's defaults are the Dsl's: a declaration that writes every argument at its Dsl default generates the same
        /// code and diagnostics as one that writes none (a parser fallback that differed would change the generated code).
        /// </summary>
        [Fact]
        public void Writing_every_dsl_default_explicitly_changes_nothing()
        {
            // Blocks that need another block to be valid.
            var context = new Dictionary<string, string>
            {
                ["AmsGrad"] = "[SecondMoment]",
                ["BiasCorrection"] = "[FirstMoment]",
                ["Epsilon"] = "[SecondMoment]",
            };

            var problems = new List<string>();
            foreach (Type attribute in DslAttributes())
            {
                string name = attribute.Name.Substring(0, attribute.Name.Length - "Attribute".Length);
                object instance = DefaultInstance(attribute)!;
                var arguments = new List<string>();
                ParameterInfo[] positional = attribute.GetConstructors().Single().GetParameters();
                arguments.AddRange(positional.Select(p => Literal(attribute.GetProperty(p.Name!, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)!.GetValue(instance))));
                arguments.AddRange(attribute.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(p => p.DeclaringType == attribute && p.CanWrite)
                    .Select(p => p.Name + " = " + Literal(p.GetValue(instance))));

                string blocks = context.TryGetValue(name, out string? extra) ? extra : string.Empty;
                string Declaration(string attributeText) => name == "Optimizer"
                    ? "[" + attributeText + "] public partial class C { }"
                    : "[Optimizer] " + blocks + " [" + attributeText + "] public partial class C { }";

                string plain = Generate(Declaration(name));
                string explicitDefaults = Generate(Declaration(name + "(" + string.Join(", ", arguments) + ")"));
                if (plain != explicitDefaults)
                {
                    problems.Add("[" + name + "(" + string.Join(", ", arguments) + ")] generates other code than [" + name + "]");
                }
            }

            Assert.True(problems.Count == 0, string.Join("\n", problems));

            static string Generate(string source)
            {
                GeneratorRun run = GeneratorHarness.Run("using OptimDsl;\n" + source).AssertGeneratorDidNotFail();
                return string.Join("\n", run.GeneratorDiagnostics.Select(d => d.Id + ": " + d.GetMessage(CultureInfo.InvariantCulture)))
                    + "\n" + string.Join("\n", run.GeneratedSources.Select(s => s.Source));
            }
        }

        /// <summary>docs/DSL.md's block table documents every option's default as the Dsl declares it.</summary>
        [Fact]
        public void Documented_defaults_are_the_dsl_defaults()
        {
            string docs = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "DSL.md")).Replace("\r\n", "\n");
            var problems = new List<string>();
            foreach (Type attribute in DslAttributes().Where(t => t != typeof(BiasCorrectionAttribute)))
            {
                string name = attribute.Name.Substring(0, attribute.Name.Length - "Attribute".Length);
                string? row = docs.Split('\n').FirstOrDefault(l => Regex.IsMatch(l, "^\\| `\\[" + name + "(\\(|\\])"));
                if (row is null)
                {
                    problems.Add("docs/DSL.md has no row for [" + name + "]");
                    continue;
                }

                string options = row.Split(" | ")[1];
                object instance = DefaultInstance(attribute)!;
                foreach (PropertyInfo property in attribute.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.DeclaringType == attribute))
                {
                    string expected = Format(property.GetValue(instance));
                    bool positional = !property.CanWrite;
                    Match documented = property.PropertyType.IsEnum
                        ? Regex.Match(options, "`" + property.Name + "` = `(?<value>\\w+)`")
                        : Regex.Match(options, (positional ? "(?<![`\\w])default" : "`" + property.Name + "`") + " \\((?<value>[^)]*)\\)");
                    if (!documented.Success)
                    {
                        problems.Add("[" + name + "]: " + property.Name + " has no documented default");
                        continue;
                    }

                    string text = documented.Groups["value"].Value;
                    bool same = property.PropertyType == typeof(double) || property.PropertyType == typeof(int)
                        ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                            && Convert.ToDouble(property.GetValue(instance), CultureInfo.InvariantCulture) == value
                        : text == expected;
                    if (!same)
                    {
                        problems.Add("[" + name + "]: " + property.Name + " defaults to " + expected + ", docs/DSL.md says " + text);
                    }
                }
            }

            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        /// <summary>The role table is one source file compiled into both the generator and the runtime: the copies agree.</summary>
        [Fact]
        public void The_generator_and_the_runtime_share_the_role_table()
        {
            Type generatorRoles = Generator.GetType("OptimDsl.Shared.ArgumentRole", throwOnError: true)!;
            Type runtimeRoles = Runtime.GetType("OptimDsl.Shared.ArgumentRole", throwOnError: true)!;
            Assert.Equal(DescribeEnum(generatorRoles), DescribeEnum(runtimeRoles));
            foreach (string role in Enum.GetNames(generatorRoles))
            {
                Assert.Equal(RangeOf(Generator, role), RangeOf(Runtime, role));
            }

            static string RangeOf(Assembly assembly, string role)
            {
                Type roles = assembly.GetType("OptimDsl.Shared.ArgumentRoles", throwOnError: true)!;
                Type enumType = assembly.GetType("OptimDsl.Shared.ArgumentRole", throwOnError: true)!;
                object? range = roles.GetMethod("RangeOf", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, new[] { Enum.Parse(enumType, role) });
                return role + ": " + (range?.ToString() ?? "none");
            }
        }

        /// <summary>
        /// For every declared default with a range: the interval of the compile-time diagnostic (ODSL0006), the bounds of the
        /// generated run-time check for the same argument, and the interval the runtime states when that check fails are one.
        /// </summary>
        [Theory]
        [InlineData("[Optimizer(Lr = -1)]", "", "lr", "-1")]
        [InlineData("[Optimizer] [Adafactor(Eps1 = -1)]", "[Optimizer] [Adafactor]", "eps1", "-1")]
        [InlineData("[Optimizer] [Adafactor(Eps2 = -1)]", "[Optimizer] [Adafactor]", "eps2", "-1")]
        [InlineData("[Optimizer] [Adafactor(ClipThreshold = 0)]", "[Optimizer] [Adafactor]", "clip_threshold", "0")]
        [InlineData("[Optimizer] [Adafactor(DecayRate = 0.5)]", "[Optimizer] [Adafactor]", "decay_rate", "0.5")]
        [InlineData("[Optimizer] [LrDecay(Default = -1)]", "", "lr_decay", "-1")]
        [InlineData("[Optimizer] [Momentum(Default = 1)]", "", "momentum", "1")]
        [InlineData("[Optimizer] [Momentum(Dampening = 2)]", "", "dampening", "2")]
        [InlineData("[Optimizer] [FirstMoment(Beta = 1)]", "", "beta1", "1")]
        [InlineData("[Optimizer] [SecondMoment(Beta = 1)]", "", "beta2", "1")]
        [InlineData("[Optimizer] [SM3(Beta = 1)]", "", "beta", "1")]
        [InlineData("[Optimizer] [Accumulator(InitialValue = -1)]", "", "initial_accumulator_value", "-1")]
        [InlineData("[Optimizer] [SecondMoment] [Epsilon(-1)]", "", "eps", "-1")]
        [InlineData("[Optimizer] [WeightDecay(Default = -1)]", "", "weight_decay", "-1")]
        [InlineData("[Optimizer] [CriticalBuffer(TopC = 0)]", "", "topC", "0")]
        [InlineData("[Optimizer] [CriticalBuffer(Decay = 0)]", "", "decay", "0")]
        [InlineData("[Optimizer] [CriticalBuffer(Kappa = -1)]", "", "kappa", "-1")]
        [InlineData("[Optimizer] [CriticalBuffer(Kappa = 0, KappaUse = KappaUse.Switch)]", "[Optimizer] [CriticalBuffer(KappaUse = KappaUse.Switch)]", "kappa", "0")]
        [InlineData("[Optimizer] [CriticalBuffer(MaxAge = -1)]", "", "max_age", "-1")]
        public void Compile_time_ranges_are_the_run_time_checks(string invalid, string valid, string argument, string value)
        {
            GeneratorRun bad = GeneratorHarness.Run("using OptimDsl;\n" + invalid + " public partial class C { }").AssertGeneratorDidNotFail();
            string message = Assert.Single(bad.GeneratorDiagnostics.Where(d => d.Id == "ODSL0006")).GetMessage(CultureInfo.InvariantCulture);
            string compileTime = Regex.Match(message, "allowed range (?<range>.+)$").Groups["range"].Value;
            Assert.NotEmpty(compileTime);

            // The same declaration with the value left at its default generates the run-time check of the argument.
            string validSource = valid.Length > 0 ? valid : Regex.Replace(invalid, "\\((\\w+ = )?-?[\\d.]+\\)|\\w+ = -?[\\d.]+, ", string.Empty);
            GeneratorRun good = GeneratorHarness.Run("using OptimDsl;\n" + validSource + " public partial class C { }").AssertGeneratorDidNotFail();
            Assert.Empty(good.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
            string generated = string.Join("\n", good.GeneratedSources.Select(s => s.Source));
            Match check = Regex.Match(generated, "CheckRange\\([^;]*?, \"" + argument + "\", (?<min>[^,]+), (?<minInclusive>true|false), (?<max>[^,]+), (?<maxInclusive>true|false)\\);");
            Assert.True(check.Success, "no run-time check of " + argument + " in the code generated for " + validSource);

            double? min = Bound(check.Groups["min"].Value);
            double? max = Bound(check.Groups["max"].Value);
            double offending = double.Parse(value, CultureInfo.InvariantCulture);
            var thrown = Assert.Throws<ArgumentException>(() => OptimDsl.Runtime.Arguments.CheckRange(
                offending, argument, min, check.Groups["minInclusive"].Value == "true", max, check.Groups["maxInclusive"].Value == "true"));
            string runTime = Regex.Match(thrown.Message, "allowed range is (?<range>.+?)\\.( \\(|$)").Groups["range"].Value;
            Assert.Equal(compileTime, runTime);

            static double? Bound(string literal) => literal == "null" ? null : double.Parse(literal, CultureInfo.InvariantCulture);
        }

        private static object? DefaultInstance(Type type)
        {
            ConstructorInfo? constructor = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance)
                .FirstOrDefault(c => c.GetParameters().All(p => p.HasDefaultValue));
            return constructor?.Invoke(constructor.GetParameters().Select(p => p.DefaultValue).ToArray());
        }

        private static string DescribeEnum(Type e) =>
            string.Join(", ", Enum.GetNames(e).Select(n => n + "=" + Convert.ToInt64(Enum.Parse(e, n), CultureInfo.InvariantCulture)));

        private static string DescribeProperties(Type t) =>
            string.Join(", ", t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.DeclaringType == t)
                .OrderBy(p => p.Name, StringComparer.Ordinal)
                .Select(p => p.PropertyType.Name + " " + p.Name + (p.CanWrite ? " { get; set; }" : " { get; }")));

        private static string Format(object? value) => value switch
        {
            null => "null",
            bool b => b ? "true" : "false",
            string s => "\"" + s + "\"",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            IFormattable f when !value.GetType().IsEnum => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString()!,
        };

        private static string Literal(object? value) => value switch
        {
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            Enum e => e.GetType().Name + "." + e,
            _ => Format(value),
        };
    }
}
