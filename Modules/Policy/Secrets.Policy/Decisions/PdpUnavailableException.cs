namespace Secrets.Policy.Decisions;

/// <summary>The PDP could not give a well-formed answer; the PEP fails closed (503 PDP_UNAVAILABLE).</summary>
internal sealed class PdpUnavailableException(string reason, Exception? inner = null) : Exception(reason, inner);
