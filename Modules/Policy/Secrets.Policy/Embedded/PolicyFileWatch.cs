using Microsoft.Extensions.Hosting;

namespace Secrets.Policy.Embedded;

/// <summary>Starts watching the policy file with the host; the container disposes it.</summary>
internal sealed class PolicyFileWatch(PolicyFile policies) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        policies.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
