using Secrets.Faults;

// The commands of build/faults.sh; each runs until it is done or stopped.
return args switch
{
    ["load", .. var rest] => await LoadRun.RunAsync(rest),
    ["provider-proxy", var port, var target, var readyFile] => await ProviderProxy.RunAsync(port, target, readyFile),
    ["kafka-mock", var bootstrapFile, var controlDir] => await KafkaMock.RunAsync(bootstrapFile, controlDir),
    ["audit-ids", var bootstrap, var topic, var outFile, var expected, var seconds] => AuditIds.Run(bootstrap, topic, outFile, expected, seconds),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: Secrets.Faults load <url> <requests per second> <stop file> <out csv> [<client timeout s>]
               Secrets.Faults provider-proxy <port> <target url> <ready file>
               Secrets.Faults kafka-mock <bootstrap file> <control dir>
               Secrets.Faults audit-ids <bootstrap> <topic> <out file> <expected events> <timeout s>
        """);
    return 2;
}
