using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Sdk;

namespace OptimDsl.Generator.Tests
{
    /// <summary>
    /// Golden-file ("snapshot") assertions without Verify, using Verify's naming: the expected text lives in
    /// <c>Snapshots/&lt;name&gt;.verified.cs</c> beside the calling test's source file; a mismatch writes
    /// <c>&lt;name&gt;.received.cs</c> next to it (git-ignored) and fails with a line diff. A missing verified file fails.
    /// Set <c>OPTIMDSL_ACCEPT_SNAPSHOTS=1</c> to overwrite the verified files with the received text (and pass); review the
    /// git diff afterwards.
    /// </summary>
    public static class Golden
    {
        /// <summary>Environment variable that turns mismatches into updates.</summary>
        public const string AcceptVariable = "OPTIMDSL_ACCEPT_SNAPSHOTS";

        /// <summary>What the generator version in <c>[GeneratedCode]</c> is replaced with.</summary>
        public const string VersionPlaceholder = "%VERSION%";

        private const int ContextLines = 3;
        private const int MaxHunkLines = 20;
        private const int MaxHunks = 6;

        private static readonly Regex GeneratedCodeVersion = new(
            "(GeneratedCode\\(\"OptimDsl\\.Generator\", \")[^\"]*(\"\\))", RegexOptions.CultureInvariant);

        private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

        /// <summary>Whether <see cref="AcceptVariable"/> is set.</summary>
        public static bool Accepting => Environment.GetEnvironmentVariable(AcceptVariable) is "1" or "true" or "True";

        /// <summary>Newlines to '\n', one trailing newline, generator version scrubbed.</summary>
        public static string Scrub(string text) =>
            GeneratedCodeVersion.Replace(Normalize(text), "${1}" + VersionPlaceholder + "${2}");

        /// <summary>Newlines to '\n' and exactly one trailing newline.</summary>
        public static string Normalize(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n').TrimEnd('\n') + "\n";

        /// <summary>Compares <paramref name="actual"/> (scrubbed) with <c>Snapshots/&lt;name&gt;.verified.cs</c>.</summary>
        public static void AssertMatches(string name, string actual, [CallerFilePath] string callerFile = "")
        {
            string directory = Path.Combine(TestPaths.SourceDirectoryOf(callerFile), "Snapshots");
            string verifiedPath = Path.Combine(directory, name + ".verified.cs");
            string receivedPath = Path.Combine(directory, name + ".received.cs");
            string received = Scrub(actual);

            if (Accepting)
            {
                Directory.CreateDirectory(directory);
                if (!File.Exists(verifiedPath) || Normalize(File.ReadAllText(verifiedPath)) != received)
                {
                    File.WriteAllText(verifiedPath, received, Utf8NoBom);
                }

                DeleteIfExists(receivedPath);
                return;
            }

            if (!File.Exists(verifiedPath))
            {
                Directory.CreateDirectory(directory);
                File.WriteAllText(receivedPath, received, Utf8NoBom);
                throw new XunitException(
                    $"Snapshot '{name}' has no verified file {verifiedPath}.\n" +
                    $"The output was written to {receivedPath}. Review it, then rename it to .verified.cs or run the tests with {AcceptVariable}=1.");
            }

            string expected = Normalize(File.ReadAllText(verifiedPath));
            if (expected == received)
            {
                DeleteIfExists(receivedPath);
                return;
            }

            File.WriteAllText(receivedPath, received, Utf8NoBom);
            throw new XunitException(
                $"Snapshot '{name}' does not match {verifiedPath}\n" +
                $"(received output written to {receivedPath}; accept with {AcceptVariable}=1 after review)\n" +
                Diff(expected, received));
        }

        /// <summary>
        /// A unified-style line diff (longest common subsequence of lines): each hunk shows removed ('-', verified) and
        /// added ('+', received) lines with their 1-based line numbers and a few lines of context. At most
        /// <see cref="MaxHunks"/> hunks and <see cref="MaxHunkLines"/> changed lines per side and hunk are shown.
        /// </summary>
        public static string Diff(string expected, string actual)
        {
            string[] exp = expected.Split('\n');
            string[] act = actual.Split('\n');

            // Trim the common prefix and suffix, then LCS over the middle (small in practice).
            int prefix = 0;
            while (prefix < exp.Length && prefix < act.Length && exp[prefix] == act[prefix])
            {
                prefix++;
            }

            int suffix = 0;
            while (suffix < exp.Length - prefix && suffix < act.Length - prefix && exp[exp.Length - 1 - suffix] == act[act.Length - 1 - suffix])
            {
                suffix++;
            }

            int n = exp.Length - prefix - suffix;
            int m = act.Length - prefix - suffix;
            var edits = new List<(char Op, int Exp, int Act)>(); // ' ' same, '-' removed, '+' added; indices into exp/act
            for (int i = 0; i < prefix; i++)
            {
                edits.Add((' ', i, i));
            }

            if ((long)n * m <= 25_000_000)
            {
                var lcs = new int[n + 1, m + 1];
                for (int i = n - 1; i >= 0; i--)
                {
                    for (int j = m - 1; j >= 0; j--)
                    {
                        lcs[i, j] = exp[prefix + i] == act[prefix + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
                    }
                }

                int a = 0;
                int b = 0;
                while (a < n || b < m)
                {
                    if (a < n && b < m && exp[prefix + a] == act[prefix + b])
                    {
                        edits.Add((' ', prefix + a++, prefix + b++));
                    }
                    else if (b < m && (a == n || lcs[a, b + 1] >= lcs[a + 1, b]))
                    {
                        edits.Add(('+', prefix + a, prefix + b++));
                    }
                    else
                    {
                        edits.Add(('-', prefix + a++, prefix + b));
                    }
                }
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    edits.Add(('-', prefix + i, prefix));
                }

                for (int j = 0; j < m; j++)
                {
                    edits.Add(('+', prefix + n, prefix + j));
                }
            }

            for (int i = 0; i < suffix; i++)
            {
                edits.Add((' ', exp.Length - suffix + i, act.Length - suffix + i));
            }

            var sb = new StringBuilder();
            int firstChange = edits.FindIndex(e => e.Op != ' ');
            sb.Append("verified: ").Append(exp.Length - 1).Append(" lines, received: ").Append(act.Length - 1).Append(" lines");
            if (firstChange < 0)
            {
                return sb.Append("; no line differs (whitespace at the end?)\n").ToString();
            }

            sb.Append("; first difference at verified line ").Append(edits[firstChange].Exp + 1)
                .Append(" / received line ").Append(edits[firstChange].Act + 1).Append('\n');

            int hunks = 0;
            int k = 0;
            while (k < edits.Count)
            {
                if (edits[k].Op == ' ')
                {
                    k++;
                    continue;
                }

                if (++hunks > MaxHunks)
                {
                    sb.Append("... more differences not shown\n");
                    break;
                }

                // A hunk: changes separated by at most 2 * context unchanged lines.
                int end = k;
                for (int gap = 0, j = k; j < edits.Count; j++)
                {
                    gap = edits[j].Op == ' ' ? gap + 1 : 0;
                    if (gap > 2 * ContextLines)
                    {
                        break;
                    }

                    if (edits[j].Op != ' ')
                    {
                        end = j;
                    }
                }

                int from = Math.Max(0, k - ContextLines);
                int to = Math.Min(edits.Count - 1, end + ContextLines);
                sb.Append("@@\n");
                int removed = 0;
                int added = 0;
                for (int j = from; j <= to; j++)
                {
                    (char op, int e, int r) = edits[j];
                    if (op == ' ')
                    {
                        sb.Append(Line(' ', e, exp[e]));
                    }
                    else if (op == '-' && ++removed <= MaxHunkLines)
                    {
                        sb.Append(Line('-', e, exp[e]));
                    }
                    else if (op == '+' && ++added <= MaxHunkLines)
                    {
                        sb.Append(Line('+', r, act[r]));
                    }
                }

                if (removed > MaxHunkLines || added > MaxHunkLines)
                {
                    sb.Append("  (hunk truncated: ").Append(removed).Append(" removed, ").Append(added).Append(" added lines)\n");
                }

                k = end + 1;
            }

            return sb.ToString();
        }

        private static string Line(char sign, int index, string text) => $"{sign}{index + 1,5}: {text}\n";

        private static void DeleteIfExists(string path)
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
    }
}
