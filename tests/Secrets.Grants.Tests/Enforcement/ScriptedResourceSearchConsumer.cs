using MassTransit.Mediator;
using Secrets.Policy.Contracts;

namespace Secrets.Grants.Tests.Enforcement;

/// <summary>The scripted resource search behind the mediator, where the Policy module answers <see cref="SearchPermittedResources"/>.</summary>
internal sealed class ScriptedResourceSearchConsumer(ScriptedResourceSearch search) : MediatorRequestHandler<SearchPermittedResources, PermittedResources>
{
    protected override Task<PermittedResources> Handle(SearchPermittedResources request, CancellationToken ct)
    {
        search.Asked.Enqueue(request);
        return Task.FromResult(search.Answer(request));
    }
}
