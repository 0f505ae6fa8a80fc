namespace Secrets.Shared.Kernel;

/// <summary>What an operation allows in a URI beyond a plain secret path.</summary>
[Flags]
public enum UriAllowance
{
    None = 0,
    /// <summary>A terminal <c>/*</c> (or a bare mount) naming every path below it.</summary>
    Prefix = 1,
}
