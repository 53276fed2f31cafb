-- wrk script: one distinct configly sync_run per request (a new run id: no dedupKey hit, every request a new event)
-- wrk -t2 -c32 -d20s -s bench/ingest.lua http://127.0.0.1:PORT/v1/ingest/configly   (API key in WRK_KEY)
local threads = {}
local counter = 0
local key = os.getenv("WRK_KEY") or "bench_key"

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local body = string.format('{"kind":"sync_run","connection":"c%d","run":{"id":"wrk-%d-%d-%d","status":"completed",'
    .. '"snapshot":12,"total":100,"ok":98,"failed":2,"startedAt":"2026-04-15T14:30:00.000Z",'
    .. '"finishedAt":"2026-04-15T14:30:04.250Z"}}', counter % 100, os.time(), tid, counter)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key}, body)
end

function done(summary, latency, requests)
  io.write(string.format("wrk-result requests=%d non2xx=%d errors=%d seconds=%.3f p50_us=%d p99_us=%d\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, summary.duration / 1e6, latency:percentile(50), latency:percentile(99)))
end
