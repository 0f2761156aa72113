using System;
using System.Linq;
using Xunit;

namespace OptimDsl.Generator.Tests
{
    /// <summary>
    /// The generator reads enum-valued attribute arguments as integers and maps them to private mirrors of the DSL's
    /// public enums (it must not load OptimDsl.Dsl). The mirrors must keep the same names and values. Checked by reflection
    /// over the generator assembly (no InternalsVisibleTo needed).
    /// </summary>
    public class EnumMirrorTests
    {
        [Fact]
        public void Generator_enum_mirrors_match_the_dsl_enums()
        {
            Type[] mirrors = typeof(OptimizerGenerator).Assembly.GetTypes()
                .Where(t => t.IsEnum && t.Namespace == "OptimDsl.Generator.Model")
                .ToArray();
            Assert.NotEmpty(mirrors);

            foreach (Type mirror in mirrors)
            {
                Type? dsl = typeof(OptimizerAttribute).Assembly.GetType("OptimDsl." + mirror.Name);
                Assert.True(dsl is not null, "OptimDsl." + mirror.Name + " (mirrored by the generator) does not exist in OptimDsl.Dsl");
                string Describe(Type e) => string.Join(", ", Enum.GetNames(e).Select(n => n + "=" + Convert.ToInt64(Enum.Parse(e, n), System.Globalization.CultureInfo.InvariantCulture)));
                Assert.Equal(Describe(dsl!), Describe(mirror));
            }
        }
    }
}
