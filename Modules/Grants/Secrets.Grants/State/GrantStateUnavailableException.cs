namespace Secrets.Grants.State;

/// <summary>The grant store (Redis) could not be reached or answered wrongly; maps to 503 GRANT_STATE_UNAVAILABLE.</summary>
internal sealed class GrantStateUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
