using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace OptimDsl.PackageTests
{
    /// <summary>The outcome of one <c>dotnet</c> command: exit code and the interleaved stdout/stderr.</summary>
    internal sealed record CommandResult(
        string CommandLine, string WorkingDirectory, int ExitCode, bool TimedOut, TimeSpan Elapsed, string Output)
    {
        public bool Succeeded => !TimedOut && ExitCode == 0;

        /// <summary>A description for assertion messages: the command, how it ended and (the tail of) its output.</summary>
        public string Describe(int maxOutputChars = 24_000)
        {
            string output = Output.Length <= maxOutputChars
                ? Output
                : "[... " + (Output.Length - maxOutputChars) + " characters cut ...]\n" + Output.Substring(Output.Length - maxOutputChars);
            string how = TimedOut ? "TIMED OUT (killed)" : "exited with code " + ExitCode;
            return $"`{CommandLine}` (in {WorkingDirectory}) {how} after {Elapsed.TotalSeconds:F1} s.\n"
                + "----- output -----\n" + output.TrimEnd() + "\n----- end of output -----";
        }
    }

    /// <summary>
    /// Runs the .NET CLI non-interactively, with stdin closed, no telemetry/logo, no persistent MSBuild nodes
    /// or MSBuild server (they would outlive the command and could keep its output pipes open), and without the
    /// MSBuild variables the test host inherits from the <c>dotnet test</c> that started it.
    /// </summary>
    internal static class DotnetCli
    {
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

        /// <summary>The <c>dotnet</c> executable running this test host (falls back to <c>dotnet</c> on PATH).</summary>
        public static string DotnetPath { get; } = FindDotnet();

        public static CommandResult Run(string workingDirectory, IEnumerable<string> arguments, TimeSpan? timeout = null)
        {
            var args = arguments.ToList();
            var limit = timeout ?? DefaultTimeout;
            var psi = new ProcessStartInfo(DotnetPath)
            {
                WorkingDirectory = workingDirectory,
                UseShellExecute = false,
                CreateNoWindow = true,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
            };
            foreach (string a in args) psi.ArgumentList.Add(a);
            ConfigureEnvironment(psi.Environment);

            string commandLine = "dotnet " + string.Join(" ", args.Select(Quote));
            var output = new StringBuilder();
            var gate = new object();
            var stdoutClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var stderrClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var watch = Stopwatch.StartNew();

            using var process = new Process { StartInfo = psi };
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) { stdoutClosed.TrySetResult(); return; }
                lock (gate) output.AppendLine(e.Data);
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) { stderrClosed.TrySetResult(); return; }
                lock (gate) output.AppendLine(e.Data);
            };

            if (!process.Start()) throw new InvalidOperationException("Could not start " + commandLine);
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            bool exited = process.WaitForExit((int)Math.Min(int.MaxValue, limit.TotalMilliseconds));
            if (!exited)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } catch (System.ComponentModel.Win32Exception) { }
                process.WaitForExit(30_000);
            }

            // The readers finish at end-of-stream. A helper process that inherited the pipes (a compiler server,
            // say) could hold them open long after the command exited: take what arrived, do not wait on it.
            Task.WaitAll(new Task[] { stdoutClosed.Task, stderrClosed.Task }, TimeSpan.FromSeconds(15));
            watch.Stop();

            string text;
            lock (gate) text = output.ToString();
            return new CommandResult(commandLine, workingDirectory, exited ? process.ExitCode : -1, !exited, watch.Elapsed, text);
        }

        private static void ConfigureEnvironment(IDictionary<string, string?> env)
        {
            // `dotnet test` hands its MSBuild settings to the test host; a child CLI must find its own.
            foreach (string key in env.Keys.ToList())
            {
                if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                    || key.StartsWith("VSTEST_", StringComparison.OrdinalIgnoreCase)
                    || key.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase))
                {
                    env.Remove(key);
                }
            }

            env["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            env["DOTNET_NOLOGO"] = "1";
            env["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
            env["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false";
            env["DOTNET_CLI_UI_LANGUAGE"] = "en";
            env["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
            env["MSBUILDDISABLENODEREUSE"] = "1";
            env["MSBUILDTERMINALLOGGER"] = "off";
            env["TERM"] = "dumb";
        }

        private static string FindDotnet()
        {
            string exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
            string? hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath)) return hostPath;
            string? processPath = Environment.ProcessPath;
            if (processPath is not null && string.Equals(Path.GetFileName(processPath), exe, StringComparison.OrdinalIgnoreCase))
            {
                return processPath;
            }

            return exe;
        }

        private static string Quote(string arg) =>
            arg.Length > 0 && arg.All(c => !char.IsWhiteSpace(c) && c != '"' && c != '\'') ? arg : "\"" + arg.Replace("\"", "\\\"") + "\"";
    }
}
