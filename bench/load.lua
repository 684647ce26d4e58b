-- wrk script: each request is the next line of a targets file (method, path, cookie, body, tab-separated),
-- round robin, so the load comes from many signed-in people at once. "{uuid}" in a body becomes a fresh
-- one-time form token per request (the portal makes one post of a form sent twice).
-- At the end one JSON line with the figures bench/report.py reads.
local targets = {}
local index = 0

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do table.insert(fields, field) end
  return fields
end

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then table.insert(targets, split(line)) end
  end
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  index = math.random(#targets) - 1
end

local function uuid()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

function request()
  index = index % #targets + 1
  local t = targets[index]
  local headers = {}
  if t[3] ~= "" then headers["Cookie"] = t[3] end
  local body = nil
  if t[1] == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    body = string.gsub(t[4], "{uuid}", uuid())
  end
  return wrk.format(t[1], t[2], headers, body)
end

-- A whole number for the report; 0 for "no value" (no request finished: the latencies are then NaN).
local function whole(x)
  if x == nil or x ~= x or x == math.huge or x == -math.huge then return 0 end
  return math.floor(x)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\nBENCH-JSON {"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}, "latency_us": {"mean": %.1f, "max": %d, "p50": %d, ' ..
    '"p90": %d, "p95": %d, "p99": %d}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    whole(latency.mean), whole(latency.max), whole(latency:percentile(50)), whole(latency:percentile(90)),
    whole(latency:percentile(95)), whole(latency:percentile(99))))
end
