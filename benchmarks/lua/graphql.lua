-- wrk script: POSTs JSON bodies read from a file (one per line, picked at random), counts the
-- answers that are not HTTP 200 or carry GraphQL "errors", stops a thread after a request budget,
-- and prints the summary as one JSON line prefixed "BENCH_RESULT ".
-- In a body, __N__ becomes a number no other request of the run gets (thread and sequence).
-- With a TOKENS_FILE (one bearer token a line), requests carry `Authorization: Bearer <token>`,
-- the tokens taken in turn (wrk's request() does not know its connection).
-- Usage: wrk ... -s graphql.lua URL -- BODIES_FILE MAX_REQUESTS_PER_THREAD [TOKENS_FILE]

local threads = {}

function setup(thread)
  thread:set("thread_number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  bodies = {}
  numbered = {}
  for line in io.lines(args[1]) do
    if #line > 0 then
      table.insert(bodies, line)
      table.insert(numbered, string.find(line, "__N__", 1, true) ~= nil)
    end
  end
  sequence = 0
  budget = tonumber(args[2])
  answered = 0
  failed = 0
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  -- One header table per token, built once (wrk.format then adds Host and Content-Length).
  token_headers = {}
  if args[3] then
    for token in io.lines(args[3]) do
      if #token > 0 then
        table.insert(token_headers, {
          ["Content-Type"] = "application/json",
          ["Authorization"] = "Bearer " .. token,
        })
      end
    end
  end
  token_turn = 0
end

function request()
  local index = math.random(#bodies)
  local body = bodies[index]
  if numbered[index] then
    sequence = sequence + 1
    body = string.gsub(body, "__N__", thread_number .. " " .. sequence)
  end
  local headers = nil
  if #token_headers > 0 then
    token_turn = token_turn % #token_headers + 1
    headers = token_headers[token_turn]
  end
  return wrk.format(nil, nil, headers, body)
end

function response(status, headers, body)
  answered = answered + 1
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    failed = failed + 1
  end
  if answered >= budget then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local failed_total = 0
  for _, thread in ipairs(threads) do
    failed_total = failed_total + thread:get("failed")
  end
  local socket_errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "failed": %d, "socket_errors": %d, '
      .. '"p50_us": %d, "p99_us": %d, "p999_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, failed_total, socket_errors,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end
