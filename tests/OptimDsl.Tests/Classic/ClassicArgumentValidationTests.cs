using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using G = OptimDsl.Optimizers;

namespace OptimDsl.Tests.Classic
{
    /// <summary>
    /// Property 4: an out-of-range hyper-parameter throws <see cref="ArgumentException"/> whose ParamName is the
    /// argument (PyTorch's name) and whose message names it and its allowed range — through the optimizer's
    /// constructor and through a <c>ParamGroup</c>. Arguments are bound by name with reflection, so a renamed argument
    /// fails here too.
    /// </summary>
    public sealed class ClassicArgumentValidationTests
    {
        private static Type TypeOf(string optimizer) =>
            typeof(G.Adam).Assembly.GetType("OptimDsl.Optimizers." + optimizer, throwOnError: true)!;

        private static Parameter[] Params() => new[] { new Parameter(zeros(2, 3)) };

        /// <summary>Invokes the <c>(IEnumerable&lt;Parameter&gt;, …)</c> constructor with the named arguments set, the rest at their defaults.</summary>
        private static object Construct(string optimizer, IReadOnlyDictionary<string, object> args)
        {
            ConstructorInfo ctor = TypeOf(optimizer).GetConstructors()
                .Single(c => c.GetParameters().FirstOrDefault()?.ParameterType == typeof(IEnumerable<Parameter>));
            return Invoke(ctor, Params(), args);
        }

        /// <summary>One group built with <c>ParamGroup(parameters, name: value)</c>, passed to the groups constructor.</summary>
        private static object ConstructWithGroup(string optimizer, IReadOnlyDictionary<string, object> groupArgs)
        {
            Type type = TypeOf(optimizer);
            Type groupType = type.GetNestedType("ParamGroup")!;
            ConstructorInfo groupCtor = groupType.GetConstructors()
                .Single(c => c.GetParameters().Length > 2 && c.GetParameters()[0].ParameterType == typeof(IEnumerable<Parameter>));
            object group = Invoke(groupCtor, Params(), groupArgs);
            Array groups = Array.CreateInstance(groupType, 1);
            groups.SetValue(group, 0);
            ConstructorInfo ctor = type.GetConstructors()
                .Single(c => c.GetParameters().FirstOrDefault()?.ParameterType == typeof(IEnumerable<>).MakeGenericType(groupType));
            return Invoke(ctor, groups, new Dictionary<string, object>());
        }

        private static object Invoke(ConstructorInfo ctor, object parameters, IReadOnlyDictionary<string, object> args)
        {
            ParameterInfo[] formals = ctor.GetParameters();
            foreach (string name in args.Keys)
            {
                Assert.True(formals.Any(f => f.Name == name), $"{ctor.DeclaringType!.Name} has no argument '{name}' (has {string.Join(", ", formals.Select(f => f.Name))})");
            }

            object?[] values = formals.Select((f, i) => i == 0 ? parameters : args.TryGetValue(f.Name!, out object? v) ? v : f.DefaultValue).ToArray();
            return ctor.Invoke(BindingFlags.DoNotWrapExceptions, binder: null, values, culture: null);
        }

        /// <summary>(optimizer, argument, invalid value[, companion argument, companion value]).</summary>
        public static IEnumerable<object[]> InvalidArguments() => new[]
        {
            new object[] { "SGD", "lr", -1.0 },
            new object[] { "SGD", "momentum", -0.5 },
            new object[] { "SGD", "dampening", 1.5 },
            new object[] { "SGD", "weight_decay", -1.0 },
            new object[] { "SGD", "nesterov", true },                       // with the default momentum 0
            new object[] { "Adam", "lr", -1.0 },
            new object[] { "Adam", "beta1", 1.0 },
            new object[] { "Adam", "beta2", -0.1 },
            new object[] { "Adam", "eps", -1.0 },
            new object[] { "Adam", "weight_decay", -1.0 },
            new object[] { "AdamW", "lr", -1.0 },
            new object[] { "AdamW", "beta1", 1.0 },
            new object[] { "AdamW", "beta2", -0.1 },
            new object[] { "AdamW", "eps", -1.0 },
            new object[] { "AdamW", "weight_decay", -1.0 },
            new object[] { "RMSprop", "lr", -1.0 },
            new object[] { "RMSprop", "alpha", 1.0 },
            new object[] { "RMSprop", "eps", -1.0 },
            new object[] { "RMSprop", "weight_decay", -1.0 },
            new object[] { "RMSprop", "momentum", -0.5 },
            new object[] { "Adagrad", "lr", -1.0 },
            new object[] { "Adagrad", "lr_decay", -1.0 },
            new object[] { "Adagrad", "initial_accumulator_value", -1.0 },
            new object[] { "Adagrad", "eps", -1.0 },
            new object[] { "Adagrad", "weight_decay", -1.0 },
        };

        [Theory]
        [MemberData(nameof(InvalidArguments))]
        public void InvalidArgument_ThrowsNamingIt(string optimizer, string argument, object value)
        {
            using var scope = NewDisposeScope();
            var e = Assert.Throws<ArgumentException>(() => Construct(optimizer, new Dictionary<string, object> { [argument] = value }));
            AssertNames(e, argument, value is double);
        }

        /// <summary>A bad value in a ParamGroup's own options is caught when the group is added.</summary>
        [Theory]
        [InlineData("SGD", "lr", -1.0)]
        [InlineData("SGD", "momentum", -0.5)]
        [InlineData("SGD", "nesterov", true)]
        [InlineData("Adam", "lr", -1.0)]
        [InlineData("Adam", "beta1", 1.0)]
        [InlineData("AdamW", "lr", -1.0)]
        [InlineData("AdamW", "weight_decay", -1.0)]
        [InlineData("RMSprop", "lr", -1.0)]
        [InlineData("RMSprop", "alpha", 1.0)]
        [InlineData("Adagrad", "lr", -1.0)]
        [InlineData("Adagrad", "initial_accumulator_value", -1.0)]
        public void InvalidGroupOption_ThrowsNamingIt(string optimizer, string argument, object value)
        {
            using var scope = NewDisposeScope();
            var e = Assert.Throws<ArgumentException>(() => ConstructWithGroup(optimizer, new Dictionary<string, object> { [argument] = value }));
            AssertNames(e, argument, value is double);
        }

        /// <summary>The boundary values PyTorch accepts are accepted (a check that the ranges are not too tight).</summary>
        [Theory]
        [InlineData("SGD", "lr", 0.0)]
        [InlineData("SGD", "momentum", 0.0)]
        [InlineData("SGD", "dampening", 1.0)]
        [InlineData("Adam", "beta1", 0.0)]
        [InlineData("Adam", "beta2", 0.0)]
        [InlineData("Adam", "eps", 0.0)]
        [InlineData("AdamW", "weight_decay", 0.0)]
        [InlineData("RMSprop", "alpha", 0.0)]
        [InlineData("RMSprop", "eps", 0.0)]
        [InlineData("Adagrad", "lr_decay", 0.0)]
        [InlineData("Adagrad", "eps", 0.0)]
        public void BoundaryValue_IsAccepted(string optimizer, string argument, double value)
        {
            using var scope = NewDisposeScope();
            using var o = (IDisposable)Construct(optimizer, new Dictionary<string, object> { [argument] = value });
        }

        [Fact]
        public void NesterovWithDampening_ThrowsNamingNesterov()
        {
            using var scope = NewDisposeScope();
            var e = Assert.Throws<ArgumentException>(() => new G.SGD(Params(), lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true));
            AssertNames(e, "nesterov", range: false);
        }

        private static void AssertNames(ArgumentException e, string argument, bool range)
        {
            Assert.Equal(argument, e.ParamName);

            // ArgumentException.Message ends with " (Parameter 'name')": look at the message proper.
            string message = e.Message;
            string suffix = $" (Parameter '{e.ParamName}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
            {
                message = message.Substring(0, message.Length - suffix.Length);
            }

            Assert.Matches(new Regex(@"\b" + Regex.Escape(argument) + @"\b"), message);
            if (range)
            {
                // An interval such as "[0, 1)" or "[0, ∞)".
                Assert.Matches(new Regex(@"[\[(]\s*-?[\d.∞E+-]+\s*,\s*-?[\d.∞E+-]+\s*[\])]"), message);
            }
        }
    }
}
