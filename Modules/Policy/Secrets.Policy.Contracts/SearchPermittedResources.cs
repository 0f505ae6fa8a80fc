using MassTransit.Mediator;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Contracts;

/// The resources (canonical URIs, or "<prefix>/*" patterns) the caller may use for the purpose, as the PDP's resource search answers it.
public sealed record SearchPermittedResources(Caller Caller, Purpose Purpose, string? Prefix) : Request<PermittedResources>;
