namespace Secrets.Policy.Decisions;

/// <summary>
/// The PDP could not give a well-formed answer; the PEP fails closed (503 PDP_UNAVAILABLE). <see cref="Status"/> is the
/// PDP's HTTP status when it answered (a 200 whose body cannot be used, or another status).
/// </summary>
internal sealed class PdpUnavailableException(string reason, Exception? inner = null) : Exception(reason, inner)
{
    public int? Status { get; init; }
}
