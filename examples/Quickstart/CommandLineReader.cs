using System;
using System.Globalization;

namespace OptimDsl.Examples.Quickstart
{
    /// <summary>
    /// Walks a small command line of options (<c>--name value</c>, <c>--name=value</c>) and flags, for the examples that
    /// need no more than that (Quickstart, Checkpoints). Problems throw <see cref="UsageException"/>.
    /// </summary>
    internal sealed class CommandLineReader
    {
        private readonly string[] _args;
        private int _index = -1;
        private string? _inline;

        public CommandLineReader(string[] args) => _args = args;

        /// <summary>
        /// The options <paramref name="parse"/> reads from <paramref name="args"/>, or null after printing the usage error
        /// (the example then exits with code 2).
        /// </summary>
        /// <typeparam name="TOptions">The example's options.</typeparam>
        /// <param name="args">The command line.</param>
        /// <param name="parse">The example's parser (it throws <see cref="UsageException"/>).</param>
        public static TOptions? ParseOrReport<TOptions>(string[] args, Func<string[], TOptions> parse)
            where TOptions : class
        {
            try
            {
                return parse(args);
            }
            catch (UsageException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                Console.Error.WriteLine("Run with --help for the options.");
                return null;
            }
        }

        /// <summary>The current option's name (without an inline <c>=value</c>).</summary>
        public string Name { get; private set; } = string.Empty;

        /// <summary>The current argument as it was written.</summary>
        public string Written => _args[_index];

        /// <summary>Moves to the next option; false at the end.</summary>
        public bool Next()
        {
            if (++_index >= _args.Length)
            {
                return false;
            }

            string arg = _args[_index];
            int eq = arg.IndexOf('=');
            bool inline = arg.StartsWith("--", StringComparison.Ordinal) && eq > 0;
            Name = inline ? arg[..eq] : arg;
            _inline = inline ? arg[(eq + 1)..] : null;
            return true;
        }

        /// <summary>The current option's value: inline, or the next argument.</summary>
        public string Value()
        {
            if (_inline is not null)
            {
                return _inline;
            }

            if (_index + 1 >= _args.Length)
            {
                throw new UsageException($"{Name} needs a value.");
            }

            return _args[++_index];
        }

        /// <summary>The current option's value as an integer of at least <paramref name="minimum"/>.</summary>
        /// <param name="minimum">The smallest value allowed.</param>
        public int Integer(int minimum)
        {
            string text = Value();
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < minimum)
            {
                throw new UsageException($"{Name} must be {Describe(minimum)}, not '{text}'.");
            }

            return value;
        }

        /// <summary>An unknown option.</summary>
        public UsageException Unknown() => new($"unknown option '{Written}'.");

        private static string Describe(int minimum) => minimum switch
        {
            0 => "a non-negative integer",
            1 => "a positive integer",
            _ => $"an integer of at least {minimum}",
        };
    }

    /// <summary>A command line the example cannot run with; the message says why.</summary>
    internal sealed class UsageException : Exception
    {
        public UsageException(string message)
            : base(message)
        {
        }
    }
}
