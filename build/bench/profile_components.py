"""Reads `perf script` output (stdin) of Secrets.Host run with DOTNET_PerfMapEnabled=1 and prints the
share of CPU samples by component: each sample is given to the innermost frame on its stack that
belongs to a known component (kernel and unresolved native frames are skipped), so a syscall made by
the log writer counts as logging. Used by build/bench.sh BENCH_PROFILE=1."""
import collections
import re
import sys

COMPONENTS = [
    ("GC / allocation", r"WKS::|SVR::|gc_heap|GCHeap|JIT_New|memset"),
    ("Serilog (log formatting and console)", r"Serilog"),
    ("MassTransit mediator", r"\[MassTransit"),
    ("OpenTelemetry / DiagnosticSource / metrics", r"OpenTelemetry|System\.Diagnostics\.DiagnosticSource|System\.Diagnostics\.Metrics"),
    ("JWT validation (Microsoft.IdentityModel)", r"Microsoft\.IdentityModel"),
    ("ASP.NET Core authentication (JwtBearer handler, middleware)", r"JwtBearer|Microsoft\.AspNetCore\.Authentication"),
    ("Polly / resilience handler", r"\[Polly|Microsoft\.Extensions\.Http\.Resilience|Microsoft\.Extensions\.Resilience"),
    ("HttpClient (System.Net.Http)", r"System\.Net\.Http"),
    ("embedded dev KVv2 server", r"Secrets\.Providers\.Kv\.DevServer"),
    ("crypto (System.Security.Cryptography, OpenSSL)", r"System\.Security\.Cryptography|libcrypto|libssl|EVP_"),
    ("FluentValidation", r"FluentValidation"),
    ("FastEndpoints", r"\[FastEndpoints"),
    ("Secrets.Grants (authentication, PEP, grant state)", r"\[Secrets\.Grants\]"),
    ("Secrets.Audit: outbox (write loop, write, fsync)", r"Secrets\.Audit\.Outbox"),
    ("Secrets.Audit: Kafka relay and producer (Confluent.Kafka, librdkafka)", r"Secrets\.Audit\.Kafka|Confluent\.Kafka|librdkafka"),
    ("Secrets.Audit", r"\[Secrets\.Audit\]"),
    ("Secrets.Providers: KVv2 client", r"Secrets\.Providers\.Kv\.Kv2"),
    ("Secrets.Providers (pipeline, slice, YAML store)", r"\[Secrets\.Providers\]"),
    ("Secrets.Shared.Kernel (URI, tenant, token checks)", r"\[Secrets\.Shared\.Kernel\]"),
    ("Secrets.Host (RequestPipeline, rate limit)", r"\[Secrets\.Host\]"),
    ("System.Text.Json", r"System\.Text\.Json"),
    ("Kestrel / sockets / HTTP", r"Kestrel|System\.Net\.|Microsoft\.AspNetCore\.(Http|Routing|Hosting|Server)"),
    ("other ASP.NET Core", r"Microsoft\.AspNetCore"),
]
HEADER = re.compile(r"^\s*(.*?)\s+\d+(?:/\d+)?\s+(?:\[\d+\]\s+)?[\d.]+:")   # "comm pid/tid [cpu] time:"
DIGITS = re.compile(r"[0-9]+")
PATTERNS = [(name, re.compile(rx)) for name, rx in COMPONENTS]


def main():
    total = 0
    counts = collections.Counter()
    threads = collections.Counter()
    stack = []
    thread = ""

    def flush():
        nonlocal total
        if not stack:
            return
        total += 1
        threads[thread] += 1
        for frame in stack:
            for name, rx in PATTERNS:
                if rx.search(frame):
                    counts[name] += 1
                    return
        counts["kernel / native / unresolved (no managed caller)"] += 1

    for line in sys.stdin:
        if not line.strip():
            flush()
            stack.clear()
        elif line.startswith(("\t", " ")):
            stack.append(line.strip())
        else:
            header = HEADER.match(line)
            thread = DIGITS.sub("#", header.group(1)) if header else "?"
    flush()
    print(f"| component | share of {total} samples |")
    print("| --- | ---: |")
    for name, count in counts.most_common():
        print(f"| {name} | {100 * count / max(total, 1):.1f}% |")
    print()
    print(f"| thread (perf's name for it, numbers folded) | share of {total} samples |")
    print("| --- | ---: |")
    for name, count in threads.most_common(8):
        print(f"| {name} | {100 * count / max(total, 1):.1f}% |")


if __name__ == "__main__":
    main()
