namespace Secrets.Testing;

/// <summary>Files of the repository the tests read (docs, schemas, scripts), found from the test binaries up to <c>Secrets.sln</c>.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Secrets.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Secrets.sln not found above the test binaries");
    });

    /// <summary>The repository's root folder.</summary>
    public static string Root => RootPath.Value;

    /// <summary>A path below the root: <c>RepoPaths.Of("docs", "AUDIT.md")</c>.</summary>
    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);
}
