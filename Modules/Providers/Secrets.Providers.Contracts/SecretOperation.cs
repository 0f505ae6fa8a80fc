namespace Secrets.Providers.Contracts;

/// <summary>One operation of a batch: its target and the work to run once it is authorised.</summary>
public sealed record SecretOperation<T>(SecretTarget Target, Func<IAuthorizedSecret, CancellationToken, Task<T>> Work);
