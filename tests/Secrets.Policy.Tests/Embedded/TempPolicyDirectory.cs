using Secrets.Policy.Embedded;

namespace Secrets.Policy.Tests.Embedded;

/// <summary>A temporary directory holding one policy file, deleted on dispose.</summary>
internal sealed class TempPolicyDirectory : IDisposable
{
    public TempPolicyDirectory()
    {
        Directory = Path.Combine(Path.GetTempPath(), "secrets-policy-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        FilePath = Path.Combine(Directory, PolicySample.FileName);
    }

    public string Directory { get; }
    public string FilePath { get; }

    /// <summary>Writes the file in place (truncate and write, as an editor without atomic save does).</summary>
    public void WriteInPlace(string yaml)
    {
        using var stream = new FileStream(FilePath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
        using var writer = new StreamWriter(stream);
        writer.Write(yaml);
    }

    /// <summary>Writes a temporary file next to it and renames it into place (an atomic save).</summary>
    public void WriteAndRename(string yaml)
    {
        var temp = Path.Combine(Directory, $".{PolicySample.FileName}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temp, yaml);
        File.Move(temp, FilePath, overwrite: true);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
