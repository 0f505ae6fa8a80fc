using Secrets.Shared.Kernel;

namespace Secrets.Providers.Contracts;

/// <summary>
/// One use of a secret that a request asks for: the URI as the client sent it, the purpose it is used
/// for, and what the provider must be able to do. The access pipeline checks, in this order and for
/// every target of the request before the next step: the purpose's scope, the URI grammar, the tenant's
/// mounts, the target's URI rules (a version pin only for reads, a fragment only where allowed, a
/// prefix only where allowed), and the provider's capabilities.
/// </summary>
public sealed record SecretTarget(string? Uri, Purpose Purpose, KvCapabilities Needs)
{
    /// <summary>The <c>version</c> query parameter of a read, merged with a <c>?version=</c> inside the URI.</summary>
    public int? Version { get; init; }

    /// <summary>Whether a terminal <c>/*</c> prefix is accepted (listings).</summary>
    public UriAllowance Allow { get; init; }

    /// <summary>False for operations on a whole path: a fragment is then 400 <c>FRAGMENT_NOT_ALLOWED</c>.</summary>
    public bool FragmentAllowed { get; init; } = true;

    /// <summary>True for operations that write one key (a generated value): no fragment is then 400 <c>FRAGMENT_REQUIRED</c>.</summary>
    public bool FragmentRequired { get; init; }

    /// <summary>The secret copied or moved from: the audit record is about the first target that is not a source, and names the source.</summary>
    public bool IsSource { get; init; }

    /// <summary>
    /// A listing: with filtered listings on, it needs no decision on its prefix; each entry it shows is
    /// decided instead, and the caller sees only what it may use for the purpose.
    /// </summary>
    public bool DecidedPerEntry { get; init; }

    /// <summary>A step of a gated destroy: the approval it belongs to, carried into the audit record as evidence.</summary>
    public string? ApprovalId { get; init; }

    /// <summary>Which step of a gated destroy this use is (its audit record's type); <see cref="ApprovalStep.None"/> for the operation itself.</summary>
    public ApprovalStep ApprovalStep { get; init; }

    /// <summary>A scheduled rotation: the schedule that runs it, carried into the audit record.</summary>
    public string? Schedule { get; init; }
}
