using System;
using System.IO;

namespace OptimDsl.Tests.Support
{
    /// <summary>Locates the repository and the shared reference data from the test's output folder.</summary>
    public static class RepositoryPaths
    {
        public static string Root
        {
            get
            {
                for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                {
                    if (File.Exists(Path.Combine(dir.FullName, "OptimDsl.sln")))
                    {
                        return dir.FullName;
                    }
                }

                throw new InvalidOperationException("OptimDsl.sln not found above " + AppContext.BaseDirectory);
            }
        }

        /// <summary>
        /// OPTIMDSL_REFVECTORS if set, else the repository's own copy of the recorded reference runs, tests/refvectors
        /// (see its README for where they come from).
        /// </summary>
        public static string RefVectors =>
            Environment.GetEnvironmentVariable("OPTIMDSL_REFVECTORS") is { Length: > 0 } overridden
                ? Path.GetFullPath(overridden)
                : Path.Combine(Root, "tests", "refvectors");
    }
}
