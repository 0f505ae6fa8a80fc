using Secrets.Soak;

// The load generator of build/soak.sh (docs/BENCHMARKS.md#soak):
//   mint DIR      an issuer (issuer.txt, jwks.json) and two bearer tokens that outlive any run: app.txt for the subject
//                 the soak policy permits, intruder.txt for one it refuses
//   run OPTIONS   seeds the secrets the mix uses, then drives the host at a fixed rate (or, with --closed N, as fast as N
//                 workers go), samples its process, prints the table and the slopes, and exits 1 on any unexpected
//                 answer, a transport error, the host's death or (with --check-slopes) a slope above its limit
return args switch
{
    ["mint", var dir] => SoakTokens.Mint(dir),
    ["run", .. var options] => await SoakRun.RunAsync(SoakOptions.Parse(options)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Secrets.Soak mint DIR | run --url URL --pid PID --tokens DIR --out DIR [options] (see SoakOptions.cs)");
    return 2;
}
