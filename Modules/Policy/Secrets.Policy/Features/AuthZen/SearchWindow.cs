using Secrets.Policy.AuthZen;

namespace Secrets.Policy.Features.AuthZen;

/// <summary>The part of a search's results a request asks for: from <see cref="Offset"/>, at most <see cref="Limit"/>; the request it belongs to by its hash.</summary>
internal sealed record SearchWindow(AuthZenSearchKind Kind, byte[] RequestHash, int Offset, int Limit);
