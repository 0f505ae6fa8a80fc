using Secrets.Grants.Contracts;
using Secrets.Grants.State;

namespace Secrets.Grants.Tests.State;

/// <summary>The contract on one node; "another node" is the same instance, as on a host without <c>REDIS_URL</c>.</summary>
public sealed class InMemorySharedRecordsTests : SharedRecordsContract
{
    private InMemorySharedRecords? records;

    private protected override ISharedRecords Create(TimeProvider time) => records ??= new InMemorySharedRecords(time);
}
