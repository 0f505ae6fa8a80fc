using Secrets.Fuzz;
using SharpFuzz;

// build/fuzz.sh runs this under afl-fuzz: "Secrets.Fuzz uri" or "Secrets.Fuzz dpop" reads one input per run from AFL.
// "Secrets.Fuzz seed dpop DIR" writes signed DPoP proofs to start a corpus from; "Secrets.Fuzz run TARGET FILE..." runs
// inputs once outside AFL (to replay a crash).
switch (args)
{
    case ["uri"]:
        Fuzzer.OutOfProcess.Run(stream => FuzzTargets.Uri(ReadAll(stream)));
        return 0;
    case ["dpop"]:
        Fuzzer.OutOfProcess.Run(stream => FuzzTargets.Dpop(ReadAll(stream)));
        return 0;
    case ["seed", "dpop", var dir]:
        FuzzTargets.WriteDpopSeeds(dir);
        return 0;
    case ["run", var target, .. var files]:
        foreach (var file in files)
        {
            var input = File.ReadAllBytes(file);
            if (target == "uri")
                FuzzTargets.Uri(input);
            else
                FuzzTargets.Dpop(input);
            Console.WriteLine($"{file}: no failure");
        }
        return 0;
    default:
        Console.Error.WriteLine("usage: Secrets.Fuzz uri|dpop | seed dpop DIR | run uri|dpop FILE...");
        return 2;
}

static byte[] ReadAll(Stream stream)
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    return copy.ToArray();
}
