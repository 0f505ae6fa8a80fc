namespace Secrets.Policy.Embedded;

/// <summary>
/// The commented sample policy file shipped with the module (<c>policies.sample.yaml</c>, an
/// embedded resource). In dev without <c>POLICY_PATH</c> it is written to the content root on first start.
/// </summary>
internal static class PolicySample
{
    public const string FileName = "policies.yaml";
    private const string ResourceName = "Secrets.Policy.Embedded.policies.sample.yaml";

    /// <summary>The sample's text.</summary>
    public static string Text => text.Value;

    private static readonly Lazy<string> text = new(() =>
    {
        using var stream = typeof(PolicySample).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>
    /// Writes the sample to <paramref name="path"/> unless a file is there; true when it wrote it.
    /// The file appears whole (temp file, then a move that refuses to replace a file), so a host
    /// starting at the same moment never reads half a sample; two racing writers both write the sample.
    /// </summary>
    public static bool EnsureExists(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
            return false;
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, Text);
            File.Move(temp, full, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(full))
        {
            return false;   // another process wrote it first
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
