using System.Collections.Concurrent;
using Secrets.Policy.Contracts;

namespace Secrets.Grants.Tests.Enforcement;

/// <summary>The PDP's resource search as a script: <see cref="Answer"/> (not supported by default), every request recorded.</summary>
internal sealed class ScriptedResourceSearch
{
    public static readonly PermittedResources NotSupported = new(false, false, []);

    public Func<SearchPermittedResources, PermittedResources> Answer { get; set; } = _ => NotSupported;

    public ConcurrentQueue<SearchPermittedResources> Asked { get; } = new();
}
