using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using OptimDsl.Tests.Fused;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace OptimDsl.Tests.Robustness
{
    /// <summary>
    /// What torch.optim rejects, every catalog optimizer rejects with an <see cref="ArgumentException"/> naming the parameter
    /// (group index, position, shape) or the argument and what was expected: a parameter listed twice in one group or in two
    /// groups (through the constructor or <c>add_param_group</c>, which then leaves the optimizer unchanged), and a non-floating
    /// <c>buffer_dtype</c> (an integer buffer would truncate the gradients it stores), through the constructor and a group.
    /// </summary>
    public sealed class ParameterValidationTests
    {
        public static IEnumerable<object[]> Optimizers() => CatalogOptimizers.Names();

        public static IEnumerable<object[]> WithBufferDtype() =>
            CatalogOptimizers.All
                .Where(t => Constructor(t).GetParameters().Any(p => p.Name == "buffer_dtype"))
                .Select(t => new object[] { t.Name });

        [Theory]
        [MemberData(nameof(Optimizers))]
        public void A_parameter_twice_in_one_group_is_rejected(string optimizer)
        {
            using var scope = NewDisposeScope();
            var a = new Parameter(zeros(2, 3));
            var b = new Parameter(zeros(4));
            var e = Assert.Throws<ArgumentException>(() => CatalogOptimizers.Create(CatalogOptimizers.Named(optimizer), new[] { a, b, a }, fused: null));
            Assert.Contains("Parameter 2 of group 0 (shape [2, 3]) is already parameter 0 of group 0", e.Message);
            Assert.Contains("expected every parameter to appear once", e.Message);
        }

        [Theory]
        [MemberData(nameof(Optimizers))]
        public void A_parameter_in_two_groups_is_rejected_by_the_constructor_and_by_add_param_group(string optimizer)
        {
            using var scope = NewDisposeScope();
            Type type = CatalogOptimizers.Named(optimizer);
            var a = new Parameter(zeros(2, 3));
            var b = new Parameter(zeros(4));
            var c = new Parameter(zeros(5, 1));

            // Two groups through the constructor.
            var e = Assert.Throws<ArgumentException>(() => CreateWithGroups(type, new[] { a, b }, new[] { c, b }));
            Assert.Contains("Parameter 1 of group 1 (shape [4]) is already parameter 1 of group 0", e.Message);
            Assert.Equal("param_group", e.ParamName);

            // add_param_group: rejected, and the optimizer is left as it was (one group, two states).
            using OptimizerHelper opt = CatalogOptimizers.Create(type, new[] { a, b }, fused: null);
            var twice = Assert.Throws<ArgumentException>(() => opt.add_param_group(Group(type, c, a)));
            Assert.Contains("Parameter 1 of group 1 (shape [2, 3]) is already parameter 0 of group 0", twice.Message);
            var inside = Assert.Throws<ArgumentException>(() => opt.add_param_group(Group(type, c, c)));
            Assert.Contains("Parameter 1 of group 1 (shape [5, 1]) is already parameter 0 of group 1", inside.Message);
            Assert.Single(opt.ParamGroups);
            Assert.Equal(2, opt.state_dict().State.Count);

            // A distinct group is still accepted.
            opt.add_param_group(Group(type, c));
            Assert.Equal(2, opt.ParamGroups.Count());
        }

        [Theory]
        [MemberData(nameof(WithBufferDtype))]
        public void A_non_floating_buffer_dtype_is_rejected(string optimizer)
        {
            using var scope = NewDisposeScope();
            Type type = CatalogOptimizers.Named(optimizer);
            foreach (ScalarType dtype in new[] { ScalarType.Int32, ScalarType.Int64, ScalarType.Int8, ScalarType.Bool, ScalarType.ComplexFloat32 })
            {
                var e = Assert.Throws<ArgumentException>(() => CatalogOptimizers.Create(type, new[] { new Parameter(zeros(3)) }, fused: null,
                    new Dictionary<string, object?> { ["buffer_dtype"] = (ScalarType?)dtype }));
                Assert.Equal("buffer_dtype", e.ParamName);
                Assert.Contains("Invalid buffer_dtype: " + dtype + "; expected a floating dtype", e.Message);

                // Through a group of an existing optimizer.
                using OptimizerHelper opt = CatalogOptimizers.Create(type, new[] { new Parameter(zeros(3)) }, fused: null);
                var g = Assert.Throws<ArgumentException>(() => opt.add_param_group(Group(type, new Dictionary<string, object?> { ["buffer_dtype"] = (ScalarType?)dtype }, new Parameter(zeros(2)))));
                Assert.Equal("buffer_dtype", g.ParamName);
            }

            foreach (ScalarType dtype in new[] { ScalarType.BFloat16, ScalarType.Float16, ScalarType.Float32, ScalarType.Float64 })
            {
                using OptimizerHelper accepted = CatalogOptimizers.Create(type, new[] { new Parameter(zeros(3)) }, fused: null,
                    new Dictionary<string, object?> { ["buffer_dtype"] = (ScalarType?)dtype });
            }
        }

        private static ConstructorInfo Constructor(Type type) =>
            type.GetConstructors().Single(c => c.GetParameters()[0].ParameterType == typeof(IEnumerable<Parameter>));

        private static ParamGroup Group(Type optimizer, params Parameter[] parameters) => Group(optimizer, new Dictionary<string, object?>(), parameters);

        /// <summary><c>new T.ParamGroup(parameters, name: value, ...)</c> (the convenience constructor; other options null).</summary>
        private static ParamGroup Group(Type optimizer, IReadOnlyDictionary<string, object?> options, params Parameter[] parameters)
        {
            Type groupType = optimizer.GetNestedType("ParamGroup")!;
            ConstructorInfo ctor = groupType.GetConstructors()
                .Single(c => c.GetParameters().Length > 2 && c.GetParameters()[0].ParameterType == typeof(IEnumerable<Parameter>));
            object?[] values = ctor.GetParameters()
                .Select((p, i) => i == 0 ? parameters : options.TryGetValue(p.Name!, out object? v) ? v : null)
                .ToArray();
            return (ParamGroup)ctor.Invoke(values);
        }

        /// <summary><c>new T(new[] { new T.ParamGroup(first), new T.ParamGroup(second) })</c>.</summary>
        private static OptimizerHelper CreateWithGroups(Type optimizer, Parameter[] first, Parameter[] second)
        {
            Type groupType = optimizer.GetNestedType("ParamGroup")!;
            Array groups = Array.CreateInstance(groupType, 2);
            groups.SetValue(Group(optimizer, first), 0);
            groups.SetValue(Group(optimizer, second), 1);
            ConstructorInfo ctor = optimizer.GetConstructors()
                .Single(c => c.GetParameters()[0].ParameterType == typeof(IEnumerable<>).MakeGenericType(groupType));
            object?[] values = ctor.GetParameters().Select((p, i) => i == 0 ? groups : p.DefaultValue).ToArray();
            return (OptimizerHelper)ctor.Invoke(BindingFlags.DoNotWrapExceptions, null, values, null);
        }
    }
}
