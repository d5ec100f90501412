-- wrk script of bench/gateway/run: the worker loop over HTTP. Each request is either a
-- claim-next of queue `work` for the next user in turn, or the completion (with output and the
-- claim's version as If-Match) of an item a claim of this thread got; completions go first. The
-- item's owner (in the claim's answer) names whose token completes it.
--   wrk ... -s loop.lua URL -- TOKENS_FILE
-- TOKENS_FILE: one token a line, the line n being user u<n - 1>'s.
local tokens = {}
local claimed = {}  -- {id, version, owner} of items claimed and not yet completed
local turn = 0

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then tokens[#tokens + 1] = line end
  end
  assert(#tokens > 0, args[1] .. " is empty")
  turn = math.random(#tokens)
end

local function bearer(user)
  return "Bearer " .. tokens[user + 1]
end

function request()
  local item = table.remove(claimed)
  if item then
    return wrk.format("POST", "/api/v1/workitems/" .. item.id .. "/complete",
                      {["Authorization"] = bearer(item.owner),
                       ["Content-Type"] = "application/json",
                       ["If-Match"] = '"' .. item.version .. '"'},
                      '{"output": {"approved": true}}')
  end
  turn = turn % #tokens
  local user = turn
  turn = turn + 1
  return wrk.format("POST", "/api/v1/workitems/claim-next",
                    {["Authorization"] = bearer(user), ["Content-Type"] = "application/json"},
                    '{"queue": "work"}')
end

-- Per thread: claims that got an item, that found none, completions, and failures.
claims, empty, completed, failed = 0, 0, 0, 0
function response(status, headers, body)
  if status ~= 200 then
    failed = failed + 1
    return
  end
  local items = body:match('^%s*{%s*"items"%s*:%s*%[(.*)')
  if not items then
    completed = completed + 1
    return
  end
  -- The answer's keys are sorted (nlohmann::json): the item's first "id" is its own.
  local id = items:match('"id"%s*:%s*(%d+)')
  if not id then
    empty = empty + 1
    return
  end
  claims = claims + 1
  claimed[#claimed + 1] = {id = id, version = items:match('"version"%s*:%s*(%d+)'),
                           owner = tonumber(items:match('"owner"%s*:%s*"u(%d+)"'))}
end

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

-- One JSON line for bench/gateway/run: loops completed, requests, seconds, latency percentiles
-- of the requests (ms), claims that found nothing, failures.
function done(summary, latency)
  local totals = {claims = 0, empty = 0, completed = 0, failed = 0}
  for _, thread in ipairs(threads) do
    for name in pairs(totals) do totals[name] = totals[name] + thread:get(name) end
  end
  totals.failed = totals.failed + summary.errors.connect + summary.errors.read +
                  summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'RESULT {"loops": %d, "requests": %d, "seconds": %.3f, "p50_ms": %.3f, "p99_ms": %.3f, ' ..
    '"empty": %d, "failed": %d}\n',
    totals.completed, summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, totals.empty, totals.failed))
end
