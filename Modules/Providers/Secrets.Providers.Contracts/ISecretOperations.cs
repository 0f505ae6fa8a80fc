using Secrets.Shared.Kernel;

namespace Secrets.Providers.Contracts;

/// <summary>
/// The one door for every operation on a secret (docs/ARCHITECTURE.md). The access pipeline behind it
/// runs the checks in one order — scope, the request's shape, URI grammar, tenant mounts, URI rules,
/// provider capability — then asks the PEP once for every use, then runs the work with the authorised
/// secrets, and reports each outcome to the request's <see cref="OperationScope"/> (which also names
/// the caller) for the audit trail. Problems reach
/// the caller unchanged.
/// </summary>
public interface ISecretOperations
{
    /// <summary>
    /// One request: every target is required and the first refusal is the answer. The work gets the
    /// authorised secrets in the order of the request's targets.
    /// </summary>
    Task<T> RunAsync<T>(OperationScope scope, SecretRequest request,
        Func<IReadOnlyList<IAuthorizedSecret>, CancellationToken, Task<T>> work, CancellationToken ct);

    /// <summary>As <see cref="RunAsync{T}"/> for a request of one target.</summary>
    Task<T> RunOneAsync<T>(OperationScope scope, SecretRequest request,
        Func<IAuthorizedSecret, CancellationToken, Task<T>> work, CancellationToken ct) =>
        RunAsync(scope, request, (secrets, c) => work(secrets[0], c), ct);

    /// <summary>
    /// Several independent operations (bulk), in order: each is checked as <see cref="RunAsync{T}"/>
    /// checks a request, then the PEP is asked once for all that passed, then each runs with its own
    /// decision and its own outcome. With <paramref name="continueOnError"/> false the first failure
    /// stops the rest: they are not run, and the results end with the failure. The PEP is asked only for
    /// operations that can still run, but with <paramref name="continueOnError"/> false an operation
    /// after one that fails at its provider had its use decided (and spent) with the batch.
    /// </summary>
    Task<IReadOnlyList<SecretOperationResult<T>>> RunEachAsync<T>(OperationScope scope,
        IReadOnlyList<SecretOperation<T>> operations, bool continueOnError, CancellationToken ct);

    /// <summary>
    /// The pipeline's first check alone, the token allows the purpose (403 scope, 401 sender binding), for a
    /// request that must refuse a caller before it reads a large body and learns its targets (restore). A refusal
    /// is reported as the request's outcome (audited as a deny) and thrown; the operations run later are checked
    /// again in full.
    /// </summary>
    void DemandPurpose(OperationScope scope, Purpose purpose);
}
