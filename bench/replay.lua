-- wrk script: replays prepared requests, each once (bench/httpload.py writes them).
-- The spec file has one request a line: METHOD \t PATH \t TOKEN \t BODY, with "\", newline
-- and tab in the body escaped as \\, \n and \t. Once every request has been sent, the
-- script says so in the file SPEC.done and sends requests for a page that does not exist
-- (counted as errors, not as successes) until bench/httpload.py stops wrk with SIGINT.
-- No response() callback: defining one cut wrk's rate on this machine by two thirds.
-- Run as   wrk -t 1 -c C -d 120s -s bench/replay.lua URL -- SPEC CONTENT-TYPE

local function unescape(text)
  return (text:gsub("\\(.)", { n = "\n", t = "\t", ["\\"] = "\\" }))
end

function init(args)
  local content_type = args[2]
  spec = args[1]
  requests = {}
  for line in io.lines(spec) do
    local method, path, token, body = line:match("^(%S+)\t(%S+)\t(%S*)\t(.*)$")
    local headers = {}
    if token ~= "" then headers["Authorization"] = "Bearer " .. token end
    if body == "" then
      body = nil
    else
      headers["Content-Type"] = content_type
      body = unescape(body)
    end
    requests[#requests + 1] = wrk.format(method, path, headers, body)
  end
  sent = 0
  spare = wrk.format("GET", "/bench-replay-done")
end

function request()
  sent = sent + 1
  if sent == #requests + 1 then
    local marker = io.open(spec .. ".done", "w")
    marker:close()
  end
  return requests[sent] or spare
end

function done(summary, latency, requests)
  io.write(string.format(
    'RESULT {"seconds": %f, "p50": %f, "p95": %f, "answered": %d, "not_2xx": %d}\n',
    summary.duration / 1e6, latency:percentile(50) / 1e6, latency:percentile(95) / 1e6,
    summary.requests, summary.errors.status))
end
