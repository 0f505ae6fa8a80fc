using Secrets.Shared.Kernel;

namespace Secrets.Providers.Kv;

/// <summary>A mount and a path below it ("" for the mount root).</summary>
internal readonly record struct KvPath(string Mount, string Path)
{
    public static KvPath Of(CanonicalSecretUri uri) => new(uri.Mount, uri.Path);

    public IEnumerable<string> Segments => Path.Length == 0 ? [] : Path.Split('/');

    public KvPath Child(string name) => new(Mount, Path.Length == 0 ? name : Path + "/" + name);

    public override string ToString() => Path.Length == 0 ? Mount : Mount + "/" + Path;
}
