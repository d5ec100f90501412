-- wrk script of bench/gateway/run: GET /api/v1/workitems/{id} of a random item of the read set,
-- each request with the bearer token of a random one of the benchmark's users.
--   wrk ... -s get.lua URL -- IDS_FILE TOKENS_FILE
-- IDS_FILE: one item id a line; TOKENS_FILE: one token a line (user u<line - 1>).
local ids, tokens = {}, {}

local function lines(path, into)
  for line in io.lines(path) do
    if line ~= "" then into[#into + 1] = line end
  end
  assert(#into > 0, path .. " is empty")
end

function init(args)
  lines(args[1], ids)
  lines(args[2], tokens)
  math.randomseed(os.time() * 100 + (seed or 0))  -- each thread its own sequence
end

function request()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/api/v1/workitems/" .. id,
                    {["Authorization"] = "Bearer " .. tokens[math.random(#tokens)]})
end

-- Per thread: answers that were not 200 (wrk counts only >= 400 as errors).
not_ok = 0
function response(status)
  if status ~= 200 then not_ok = not_ok + 1 end
end

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("seed", #threads)
end

-- One JSON line for bench/gateway/run: requests, seconds, latency percentiles (ms), failures.
function done(summary, latency)
  local failed = summary.errors.connect + summary.errors.read + summary.errors.write +
                 summary.errors.timeout
  for _, thread in ipairs(threads) do failed = failed + thread:get("not_ok") end
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "p50_ms": %.3f, "p99_ms": %.3f, "failed": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, failed))
end
