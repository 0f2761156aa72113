using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace OptimDsl.Generator.Tests
{
    /// <summary>
    /// Repository locations, found from this file's own source path (tests run from the repository), or — when the build
    /// mapped source paths (e.g. ContinuousIntegrationBuild) — by walking up from the test output folder to OptimDsl.sln.
    /// </summary>
    public static class TestPaths
    {
        /// <summary>The folder of this test project's sources.</summary>
        public static string TestProjectDirectory { get; } = FindTestProjectDirectory();

        /// <summary><paramref name="callerFile"/>'s folder if it exists on disk, else this test project's folder.</summary>
        public static string SourceDirectoryOf(string callerFile)
        {
            string? dir = Path.GetDirectoryName(callerFile);
            return dir is not null && Directory.Exists(dir) ? dir : TestProjectDirectory;
        }

        private static string FindTestProjectDirectory()
        {
            string? dir = Path.GetDirectoryName(ThisFile());
            if (dir is not null && File.Exists(Path.Combine(dir, "OptimDsl.Generator.Tests.csproj")))
            {
                return dir;
            }

            for (var up = new DirectoryInfo(AppContext.BaseDirectory); up is not null; up = up.Parent)
            {
                if (File.Exists(Path.Combine(up.FullName, "OptimDsl.sln")))
                {
                    return Path.Combine(up.FullName, "tests", "OptimDsl.Generator.Tests");
                }
            }

            throw new InvalidOperationException("The test project's sources were not found (neither at the compile-time path nor above " + AppContext.BaseDirectory + ")");
        }

        /// <summary>The repository root (the folder holding OptimDsl.sln).</summary>
        public static string RepositoryRoot
        {
            get
            {
                for (var dir = new DirectoryInfo(TestProjectDirectory); dir is not null; dir = dir.Parent)
                {
                    if (File.Exists(Path.Combine(dir.FullName, "OptimDsl.sln")))
                    {
                        return dir.FullName;
                    }
                }

                throw new InvalidOperationException("OptimDsl.sln not found above " + TestProjectDirectory);
            }
        }

        /// <summary>src/Runtime/Catalog.</summary>
        public static string CatalogDirectory => Path.Combine(RepositoryRoot, "src", "Runtime", "Catalog");

        /// <summary>Golden files of the snapshot tests.</summary>
        public static string SnapshotDirectory => Path.Combine(TestProjectDirectory, "Snapshots");

        private static string ThisFile([CallerFilePath] string path = "") => path;
    }
}
