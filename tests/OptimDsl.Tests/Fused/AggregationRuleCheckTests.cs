using System;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Fused
{
    /// <summary>
    /// An undefined <see cref="AggregationRule"/> is refused where it is given, naming the argument — the fused kernels'
    /// loops take the rule as checked (they carry no throw) — and, set on a group's options after construction, by the
    /// fused path's host before any parameter changes.
    /// </summary>
    public sealed class AggregationRuleCheckTests
    {
        private const AggregationRule Undefined = (AggregationRule)7;

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void UndefinedAggregationRule_IsRefusedByTheConstructor(bool fused)
        {
            var parameter = new Parameter(ones(3, 4));

            var error = Assert.Throws<ArgumentOutOfRangeException>(() => new OptimDsl.Optimizers.Adam_C(new[] { parameter }, aggr: Undefined, fused: fused));

            Assert.Equal("aggr", error.ParamName);
            Assert.Contains("expected Sum, Mid, Mean or BufferMeanOnly", error.Message);
        }

        [Fact]
        public void UndefinedAggregationRule_IsRefusedByAddParamGroup()
        {
            using var optimizer = new OptimDsl.Optimizers.Adam_C(new[] { new Parameter(ones(2)) });
            var group = new OptimDsl.Optimizers.Adam_C.ParamGroup(new[] { new Parameter(ones(3)) }, new OptimDsl.Optimizers.Adam_C.Options { aggr = Undefined });

            var error = Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.add_param_group(group));

            Assert.Equal("aggr", error.ParamName);
        }

        [Fact]
        public void UndefinedAggregationRule_SetAfterConstruction_IsRefusedByTheFusedHost_BeforeAnyChange()
        {
            var parameter = new Parameter(ones(3, 4));
            using var optimizer = new OptimDsl.Optimizers.Adam_C(new[] { parameter }, topC: 2, fused: true);
            ((OptimDsl.Optimizers.Adam_C.Options)System.Linq.Enumerable.Single(System.Linq.Enumerable.Cast<OptimDsl.Optimizers.Adam_C.ParamGroup>(optimizer.ParamGroups)).Options).aggr = Undefined;
            using Scalar half = 0.5f;
            parameter.grad = full(3, 4, half);

            var error = Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.step());

            Assert.Equal("rule", error.ParamName);
            Assert.Contains("expected Sum, Mid, Mean or BufferMeanOnly", error.Message);
            Assert.True(FusedDispatchTests.BitEqual(ones(3, 4), parameter.detach()));
        }
    }
}
