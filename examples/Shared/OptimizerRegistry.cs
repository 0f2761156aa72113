using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using TorchSharp;
using TorchSharp.Modules;

namespace OptimDsl.Examples.Shared
{
    /// <summary>
    /// Every optimizer an example can build by name: the whole OptimDsl catalog (the public optimizers of namespace
    /// <c>OptimDsl.Optimizers</c>) plus every optimizer declared in the example's own assembly (for Landscapes and Compare:
    /// the files of <c>examples/Shared/Declared/</c>). Both are found by reflection, so neither needs a list to maintain.
    /// Names are the class names (<c>Adam</c>, <c>Adam_CM</c>, ...), looked up without regard to case; an unknown name
    /// throws <see cref="UnknownOptimizerException"/> listing the valid names.
    /// </summary>
    public sealed class OptimizerRegistry
    {
        /// <summary>The namespace of the catalog's optimizers.</summary>
        public const string CatalogNamespace = "OptimDsl.Optimizers";

        /// <summary>The <see cref="OptimizerEntry.Origin"/> of a catalog optimizer.</summary>
        public const string CatalogOrigin = "catalog";

        /// <summary>The <see cref="OptimizerEntry.Origin"/> of an optimizer declared in the example.</summary>
        public const string DeclaredOrigin = "declared in this example";

        private readonly Dictionary<string, OptimizerEntry> entriesByName;

        private OptimizerRegistry(IEnumerable<OptimizerEntry> entries)
        {
            Entries = entries.ToArray();
            entriesByName = new Dictionary<string, OptimizerEntry>(StringComparer.OrdinalIgnoreCase);
            foreach (OptimizerEntry entry in Entries)
            {
                if (!entriesByName.TryAdd(entry.Name, entry))
                {
                    OptimizerEntry first = entriesByName[entry.Name];
                    throw new DuplicateOptimizerNameException(
                        $"Two optimizers are named '{entry.Name}' (names are compared without regard to case): " +
                        $"{first.Type.FullName} ({first.Origin}) and {entry.Type.FullName} ({entry.Origin}); rename the declared one.");
                }
            }
        }

        /// <summary>All optimizers: the catalog's first, then the declared ones, each part sorted by name (ordinal).</summary>
        public IReadOnlyList<OptimizerEntry> Entries { get; }

        /// <summary>The names of <see cref="Entries"/>, in the same order.</summary>
        public IEnumerable<string> Names => Entries.Select(e => e.Name);

        /// <summary>
        /// The catalog plus every optimizer declared in <paramref name="example"/> (see <see cref="DeclaredIn"/>); an
        /// example passes its own assembly: <c>CatalogAndDeclaredIn(typeof(Program).Assembly)</c>.
        /// </summary>
        /// <exception cref="DuplicateOptimizerNameException">Two optimizers have the same name, compared without regard to case (e.g. a
        /// declared class called <c>Adam</c>); the message names both classes.</exception>
        public static OptimizerRegistry CatalogAndDeclaredIn(Assembly example) =>
            new(CatalogEntries().Concat(DeclaredIn(example).Select(t => OptimizerEntry.TryCreate(t, DeclaredOrigin)!)));

        /// <summary>
        /// The optimizers declared in <paramref name="assembly"/>, sorted by name (ordinal): its public, non-abstract
        /// subclasses of <c>torch.optim.Optimizer</c> that have a constructor over <c>IEnumerable&lt;Parameter&gt;</c> whose
        /// other arguments all have defaults — what the OptimDsl generator emits for every <c>[Optimizer]</c> class.
        /// </summary>
        public static IReadOnlyList<Type> DeclaredIn(Assembly assembly) =>
            OptimizerTypes(assembly)
                .Where(t => OptimizerEntry.TryCreate(t, DeclaredOrigin) is not null)
                .OrderBy(t => t.Name, StringComparer.Ordinal)
                .ToArray();

        private static IEnumerable<OptimizerEntry> CatalogEntries() =>
            OptimizerTypes(typeof(OptimDsl.Optimizers.Adam).Assembly)
                .Where(t => t.Namespace == CatalogNamespace)
                .Select(t => OptimizerEntry.TryCreate(t, CatalogOrigin))
                .OfType<OptimizerEntry>()
                .OrderBy(e => e.Name, StringComparer.Ordinal);

        private static IEnumerable<Type> OptimizerTypes(Assembly assembly) =>
            assembly.GetExportedTypes().Where(t => t.IsClass && !t.IsAbstract && typeof(torch.optim.Optimizer).IsAssignableFrom(t));

        /// <summary>The optimizer called <paramref name="name"/> (case-insensitive).</summary>
        /// <exception cref="UnknownOptimizerException">No optimizer has that name; the message lists the valid names.</exception>
        public OptimizerEntry Get(string name)
        {
            if (entriesByName.TryGetValue(name.Trim(), out OptimizerEntry? entry))
            {
                return entry;
            }

            throw new UnknownOptimizerException(name, Names);
        }

        /// <summary>Whether an optimizer called <paramref name="name"/> exists (case-insensitive).</summary>
        public bool Contains(string name) => entriesByName.ContainsKey(name.Trim());
    }

    /// <summary>
    /// The settings an example passes to every optimizer it builds: the learning rate, and hyper-parameters by their
    /// PyTorch argument name (<c>topC</c>, <c>decay</c>, <c>seed</c>, ...). A hyper-parameter applies only to the
    /// optimizers whose constructor has an argument of that name; the others keep their defaults.
    /// </summary>
    /// <param name="LearningRate">The <c>lr</c> argument.</param>
    /// <param name="Hyperparameters">Other arguments by name, as numbers (converted to the argument's type: integral values
    /// for <c>int</c>/<c>ulong</c> arguments, non-zero for <c>true</c>).</param>
    public sealed record OptimizerSettings(double LearningRate, IReadOnlyDictionary<string, double> Hyperparameters)
    {
        /// <summary>Only a learning rate; every other argument keeps the optimizer's default.</summary>
        public OptimizerSettings(double learningRate)
            : this(learningRate, new Dictionary<string, double>())
        {
        }

        /// <summary>A copy with one more hyper-parameter (or a new value for it).</summary>
        public OptimizerSettings With(string argument, double value)
        {
            var copy = new Dictionary<string, double>(Hyperparameters) { [argument] = value };
            return this with { Hyperparameters = copy };
        }
    }

    /// <summary>
    /// One optimizer of an <see cref="OptimizerRegistry"/>: its name, where it comes from, and a factory that binds
    /// <see cref="OptimizerSettings"/> to its constructor by argument name.
    /// </summary>
    public sealed class OptimizerEntry
    {
        private readonly ConstructorInfo constructor;
        private readonly ParameterInfo[] arguments;

        private OptimizerEntry(Type type, string origin, ConstructorInfo constructor)
        {
            Type = type;
            Origin = origin;
            this.constructor = constructor;
            arguments = constructor.GetParameters();
        }

        /// <summary>The class name, which is also the name the registry knows it by.</summary>
        public string Name => Type.Name;

        /// <summary>Where it comes from: <see cref="OptimizerRegistry.CatalogOrigin"/> or <see cref="OptimizerRegistry.DeclaredOrigin"/>.</summary>
        public string Origin { get; }

        /// <summary>The generated optimizer class.</summary>
        public Type Type { get; }

        /// <summary>The constructor's argument names after the parameters, in order (<c>lr</c>, <c>beta1</c>, ...).</summary>
        public IEnumerable<string> ArgumentNames => arguments.Skip(1).Select(a => a.Name!);

        /// <summary>Whether the constructor has an argument called <paramref name="argument"/> (exact PyTorch name).</summary>
        public bool Accepts(string argument) => arguments.Skip(1).Any(a => a.Name == argument);

        /// <summary>The factory: <c>(parameters, settings) =&gt; optimizer</c>.</summary>
        public Func<IEnumerable<Parameter>, OptimizerSettings, torch.optim.Optimizer> Factory => Create;

        /// <summary>
        /// Builds the optimizer on <paramref name="parameters"/>: <c>lr</c> from the settings, each hyper-parameter the
        /// constructor has by that name, every other argument at its default. An optimizer whose <c>lr</c> is optional
        /// because of a relative step (Adafactor) gets <c>relative_step: false</c>, since an explicit rate replaces it.
        /// </summary>
        /// <exception cref="InvalidOptimizerArgumentException">A value is out of the argument's range or cannot be converted
        /// to its type; the message names the optimizer and the argument.</exception>
        public torch.optim.Optimizer Create(IEnumerable<Parameter> parameters, OptimizerSettings settings)
        {
            object?[] values = new object?[arguments.Length];
            values[0] = parameters;
            for (int i = 1; i < arguments.Length; i++)
            {
                ParameterInfo argument = arguments[i];
                if (argument.Name == "lr")
                {
                    values[i] = Convert(settings.LearningRate, argument);
                }
                else if (settings.Hyperparameters.TryGetValue(argument.Name!, out double value))
                {
                    values[i] = Convert(value, argument);
                }
                else if (argument.Name == "relative_step" && argument.ParameterType == typeof(bool))
                {
                    values[i] = false;
                }
                else
                {
                    values[i] = argument.DefaultValue;
                }
            }

            try
            {
                return (torch.optim.Optimizer)constructor.Invoke(values);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is ArgumentException inner)
            {
                // inner.Message already ends with "(Parameter 'name')".
                throw new InvalidOptimizerArgumentException($"{Name}: {inner.Message}", inner);
            }
        }

        /// <summary>The entry for <paramref name="type"/>, or null when it has no constructor over <c>IEnumerable&lt;Parameter&gt;</c>.</summary>
        internal static OptimizerEntry? TryCreate(Type type, string origin)
        {
            ConstructorInfo? constructor = type.GetConstructors()
                .FirstOrDefault(c => c.GetParameters().FirstOrDefault()?.ParameterType == typeof(IEnumerable<Parameter>)
                    && c.GetParameters().Skip(1).All(p => p.HasDefaultValue));
            return constructor is null ? null : new OptimizerEntry(type, origin, constructor);
        }

        private object Convert(double value, ParameterInfo argument)
        {
            Type type = Nullable.GetUnderlyingType(argument.ParameterType) ?? argument.ParameterType;
            if (type == typeof(double)) return value;
            if (type == typeof(float)) return (float)value;
            if (type == typeof(bool)) return value != 0;
            bool integral = Math.Floor(value) == value && !double.IsInfinity(value);
            if (type == typeof(int) && integral && value >= int.MinValue && value <= int.MaxValue) return (int)value;
            if (type == typeof(long) && integral && Math.Abs(value) < 9.2e18) return (long)value;
            if (type == typeof(ulong) && integral && value >= 0 && value < 1.8e19) return (ulong)value;
            throw new InvalidOptimizerArgumentException(
                $"{Name}: argument '{argument.Name}' is {type.Name}; {value.ToString(CultureInfo.InvariantCulture)} does not convert to it.");
        }
    }

    /// <summary>An argument value that an optimizer rejects (out of range, or not convertible to the argument's type).</summary>
    public sealed class InvalidOptimizerArgumentException : ArgumentException
    {
        /// <summary>Creates the exception; <paramref name="message"/> names the optimizer and the argument.</summary>
        public InvalidOptimizerArgumentException(string message, Exception? inner = null)
            : base(message, inner)
        {
        }
    }

    /// <summary>Two optimizers whose names differ at most in case (e.g. a declared class called <c>Adam</c>); the message names both classes.</summary>
    public sealed class DuplicateOptimizerNameException : ArgumentException
    {
        /// <summary>Creates the exception; <paramref name="message"/> names both classes.</summary>
        public DuplicateOptimizerNameException(string message)
            : base(message)
        {
        }
    }

    /// <summary>An optimizer name that the registry does not know; the message lists every valid name.</summary>
    public sealed class UnknownOptimizerException : ArgumentException
    {
        /// <summary>Creates the exception for <paramref name="name"/>.</summary>
        public UnknownOptimizerException(string name, IEnumerable<string> validNames)
            : base($"Unknown optimizer '{name}'. Valid names: {string.Join(", ", validNames)}.")
        {
            Name = name;
        }

        /// <summary>The name that was asked for.</summary>
        public string Name { get; }
    }
}
