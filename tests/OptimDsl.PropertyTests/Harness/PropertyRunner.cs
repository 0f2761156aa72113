using System;
using FsCheck;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace OptimDsl.PropertyTests.Harness
{
    /// <summary>Thrown when a property is falsified; the message is FsCheck's report (original and shrunk arguments).</summary>
    public sealed class PropertyFailedException : Exception
    {
        public PropertyFailedException(string message, int tests, int shrinks)
            : base(message)
        {
            Tests = tests;
            Shrinks = shrinks;
        }

        public int Tests { get; }

        public int Shrinks { get; }
    }

    /// <summary>
    /// An FsCheck runner that records the outcome and throws <see cref="PropertyFailedException"/> on failure
    /// (so a test can assert on a failure and its shrunk counterexample).
    /// </summary>
    public sealed class PropertyRunner : IRunner
    {
        private readonly Action<string>? _log;

        public PropertyRunner(Action<string>? log = null) => _log = log;

        /// <summary>Number of tests of the last run.</summary>
        public int Tests { get; private set; }

        public void OnStartFixture(Type t)
        {
        }

        public void OnArguments(int ntest, FSharpList<object> args, FSharpFunc<int, FSharpFunc<FSharpList<object>, string>> every)
        {
        }

        public void OnShrink(FSharpList<object> args, FSharpFunc<FSharpList<object>, string> everyShrink)
        {
        }

        public void OnFinished(string name, TestResult testResult)
        {
            string text = Runner.onFinishedToString(name, testResult);
            switch (testResult)
            {
                case TestResult.Passed p:
                    Tests = p.Item1.NumberOfTests;
                    _log?.Invoke(text.Trim());
                    break;
                case TestResult.Failed f:
                    Tests = f.Item1.NumberOfTests;
                    throw new PropertyFailedException(text, f.Item1.NumberOfTests, f.Item1.NumberOfShrinks);
                case TestResult.Exhausted e:
                    Tests = e.Item.NumberOfTests;
                    throw new PropertyFailedException(text, e.Item.NumberOfTests, 0);
            }
        }

        /// <summary>A reproducible configuration: <paramref name="maxTest"/> tests from seed <paramref name="seed"/>.</summary>
        public static Config Configure(PropertyRunner runner, int maxTest, ulong seed, string name) =>
            Config.Quick
                .WithMaxTest(maxTest)
                .WithName(name)
                .WithRunner(runner)
                .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));

        /// <summary>The seed: OPTIMDSL_PROPERTY_SEED when set (to replay a run), else a fresh one.</summary>
        public static ulong Seed()
        {
            string? text = Environment.GetEnvironmentVariable("OPTIMDSL_PROPERTY_SEED");
            return text is { Length: > 0 } ? ulong.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : (ulong)Random.Shared.NextInt64();
        }
    }
}
