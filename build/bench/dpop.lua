-- wrk script of build/bench.sh's DPoP pass: every request carries the same DPoP-bound access token and
-- a DPoP proof of its own, read from the file in PROOFS (one per line, signed just before the run).
-- Thread i of n takes lines i, i+n, i+2n, ...: no proof is sent twice. A thread that runs out sends
-- nothing more and says so in done(), which build/bench.sh treats as a failed run.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  proofs = {}
  local i = 0
  for line in io.lines(os.getenv("PROOFS")) do
    if i % tonumber(os.getenv("WRK_THREADS")) == id then
      proofs[#proofs + 1] = line
    end
    i = i + 1
  end
  next_proof = 1
  exhausted = 0
  token = "DPoP " .. os.getenv("DPOP_TOKEN")
end

function request()
  local proof = proofs[next_proof]
  if proof == nil then
    exhausted = exhausted + 1
    proof = "exhausted"
  else
    next_proof = next_proof + 1
  end
  return wrk.format("GET", nil, { ["Authorization"] = token, ["DPoP"] = proof })
end

function done(summary, latency, requests)
  local out = 0
  for _, thread in ipairs(threads) do
    out = out + (thread:get("exhausted") or 0)
  end
  if out > 0 then
    io.write(string.format("PROOFS EXHAUSTED: %d requests had no proof left\n", out))
  end
end
