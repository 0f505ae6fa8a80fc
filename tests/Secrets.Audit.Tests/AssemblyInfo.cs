// The host configures Serilog with the process-wide static logger (AddSerilog without
// preserveStaticLogger): every host started in this process writes through Log.Logger, which the most
// recently built host replaces and a disposed host closes. Hosts running side by side would steal or
// lose each other's log events, and SecretsHostFactory.Logs (the audit log sink, canary checks) would
// be unreliable or vacuous. One test at a time keeps each host's capture its own.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
