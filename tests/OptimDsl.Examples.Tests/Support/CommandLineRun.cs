using System;
using System.CommandLine;
using System.IO;

namespace OptimDsl.Examples.Tests.Support
{
    /// <summary>
    /// What an example's command line did with some arguments, without running the example: the options it handed to the
    /// run action, the message it failed with, whether it listed the optimizers, its exit code and what it printed.
    /// </summary>
    /// <typeparam name="TOptions">The example's parsed-options record.</typeparam>
    internal sealed class CommandLineRun<TOptions>
        where TOptions : class
    {
        /// <summary>The exit codes the stand-in actions return, so that a test can tell which one ran.</summary>
        public const int RunCode = 10, FailCode = 20, ListCode = 30;

        private CommandLineRun()
        {
        }

        /// <summary>The options the run action received, or null if it was not called.</summary>
        public TOptions? Options { get; private set; }

        /// <summary>The message the fail action received, or null if it was not called.</summary>
        public string? Failure { get; private set; }

        /// <summary>Whether the list-optimizers action was called.</summary>
        public bool Listed { get; private set; }

        /// <summary>The exit code of the invocation.</summary>
        public int ExitCode { get; private set; }

        /// <summary>What System.CommandLine printed to the error stream (parse errors).</summary>
        public string Errors { get; private set; } = string.Empty;

        /// <summary>
        /// Builds the command with <paramref name="create"/> (the example's <c>Create(run, fail, listOptimizers)</c>),
        /// parses and invokes <paramref name="args"/> with recording actions and captured output.
        /// </summary>
        public static CommandLineRun<TOptions> Invoke(Func<Func<TOptions, int>, Func<string, int>, Func<int>, RootCommand> create, params string[] args)
        {
            var result = new CommandLineRun<TOptions>();
            RootCommand command = create(
                options => { result.Options = options; return RunCode; },
                message => { result.Failure = message; return FailCode; },
                () => { result.Listed = true; return ListCode; });
            var errors = new StringWriter();
            result.ExitCode = command.Parse(args).Invoke(new InvocationConfiguration { Output = new StringWriter(), Error = errors });
            result.Errors = errors.ToString();
            return result;
        }
    }
}
