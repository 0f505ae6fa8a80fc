using System.Text;
using System.Text.Json.Nodes;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Kv.Yaml;

/// <summary>
/// The YAML file behind the YAML provider. Reads share one parsed snapshot that is reloaded when
/// the file changes on disk (external edits); writes are serialised, start from the file as it is
/// now, and replace it atomically (temp file, fsync, rename), so a failed write leaves the previous
/// file intact.
/// </summary>
internal sealed class AtomicYamlFile : IDisposable
{
    public const string Header = "# Secrets of the YAML provider (dev only). Top-level key = mount; nested maps = path; leaf keys = fragments.\n";

    private readonly SemaphoreSlim writeLock = new(1, 1);
    private readonly object reloadLock = new();
    private readonly Action<string>? beforeCommit;
    private Snapshot? current;

    public AtomicYamlFile(string path, Action<string>? beforeCommit = null)
    {
        FullPath = Path.GetFullPath(path);
        this.beforeCommit = beforeCommit;
    }

    public string FullPath { get; }

    public void Dispose() => writeLock.Dispose();

    private sealed record Snapshot(DateTime Modified, long Length, JsonObject Root);

    /// <summary>The current tree; never mutate it.</summary>
    public JsonObject Read()
    {
        var info = new FileInfo(FullPath);
        var snap = current;
        if (snap is not null && info.Exists && snap.Modified == info.LastWriteTimeUtc && snap.Length == info.Length)
            return snap.Root;
        if (snap is not null && !info.Exists)
            return snap.Root;   // keep serving the last good tree if the file vanished
        lock (reloadLock)
        {
            try
            {
                current = Load();
            }
            catch (Exception) when (current is not null)
            {
                // an external edit left the file unparsable: keep serving the last good tree
            }
            catch (Exception)
            {
                throw new SecretsProblem(ErrorCode.ProviderError);
            }
            return current!.Root;
        }
    }

    /// <summary>Applies <paramref name="change"/> to a copy of the file as it is now and commits it atomically.</summary>
    public async Task<T> UpdateAsync<T>(Func<JsonObject, T> change, CancellationToken ct)
    {
        await writeLock.WaitAsync(ct);
        try
        {
            Snapshot fresh;
            try
            {
                fresh = Load();
            }
            catch (Exception)
            {
                throw new SecretsProblem(ErrorCode.ProviderError);   // never overwrite a file we cannot read
            }
            var root = (JsonObject)fresh.Root.DeepClone();
            var result = change(root);
            var text = YamlJson.Serialize(root, Header);
            await CommitAsync(text, ct);
            var info = new FileInfo(FullPath);
            current = new Snapshot(info.LastWriteTimeUtc, info.Length, root);
            return result;
        }
        finally
        {
            writeLock.Release();
        }
    }

    /// <summary>Creates the file with <paramref name="text"/> unless it exists.</summary>
    public void EnsureExists(string text)
    {
        if (File.Exists(FullPath))
            return;
        Directory.CreateDirectory(Path.GetDirectoryName(FullPath)!);
        using var stream = new FileStream(FullPath, FileMode.CreateNew, FileAccess.Write);
        stream.Write(Encoding.UTF8.GetBytes(text));
        stream.Flush(flushToDisk: true);
    }

    private Snapshot Load()
    {
        var info = new FileInfo(FullPath);
        if (!info.Exists)
            return new Snapshot(default, -1, []);
        var text = File.ReadAllText(FullPath, Encoding.UTF8);
        return new Snapshot(info.LastWriteTimeUtc, info.Length, YamlJson.Parse(text));
    }

    private async Task CommitAsync(string text, CancellationToken ct)
    {
        var dir = Path.GetDirectoryName(FullPath)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(FullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
                await stream.FlushAsync(ct);
                stream.Flush(flushToDisk: true);
            }
            beforeCommit?.Invoke(temp);
            File.Move(temp, FullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }
}
