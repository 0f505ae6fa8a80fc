-- wrk script of build/replicas.sh's Redis restart: counts the answers by status, and 503s without Retry-After,
-- over every thread; done() prints "status <code> <count>" lines.
local threads = {}
counts = {}

function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  local key = tostring(status)
  if status == 503 and headers["Retry-After"] == nil then
    key = "503-without-retry-after"
  end
  counts[key] = (counts[key] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get("counts")) do
      total[key] = (total[key] or 0) + n
    end
  end
  for key, n in pairs(total) do
    io.write(string.format("status %s %d\n", key, n))
  end
end
