-- wrk script for the portal benchmark. Environment:
--   BENCH_MODE          bare | page | toggle | book
--   BENCH_PATH          page: the path to load (the plan page or the reference page), unless a line's third
--                       field is a path of its own
--   BENCH_DATA          a file of lines "cookie<TAB>csrf token<TAB>step id" (page and toggle), or
--                       "cookie<TAB>csrf token<TAB>idempotency key<TAB>slot id" (book)
--   BENCH_THREADS       the -t given to wrk (each thread takes its own share of the data file)
--   BENCH_MAX_REQUESTS  each thread stops after this many responses (the run is also bounded by -d)
-- done() prints one line of JSON (prefixed with BENCH_RESULT) for bench/run.py to read.

local mode = os.getenv("BENCH_MODE") or "bare"
local page_path = os.getenv("BENCH_PATH") or "/plan" -- page: the plan page, or the reference page
local data_file = os.getenv("BENCH_DATA")
local max_requests = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "1000000")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

local entries = {}
local next_index = 1
local responses = 0
local exhausted = false
non_2xx = 0 -- globals: done() reads them from each thread
booked = 0 -- book: 302 to the confirmation
taken = 0 -- book: 409 "this time was just taken"
replays = 0 -- book: requests sent after this thread's clients had all pressed once (the same press again)

local function load_entries()
  local n = nthreads
  local i = 0
  for line in io.lines(data_file) do
    -- each thread takes its own share, so no two threads toggle the same step
    if i % n == (id - 1) then
      if mode == "book" then
        local cookie, csrf, key, slot = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$")
        table.insert(entries, { cookie = cookie, csrf = csrf, key = key, slot = slot })
      else
        local cookie, csrf, step = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)$")
        table.insert(entries, { cookie = cookie, csrf = csrf, step = step, done = false })
      end
    end
    i = i + 1
  end
  -- shuffle (seeded per thread) so that the threads do not walk the file in step
  math.randomseed(os.time() + id * 7919)
  for k = #entries, 2, -1 do
    local j = math.random(k)
    entries[k], entries[j] = entries[j], entries[k]
  end
end

function init(args)
  if mode ~= "bare" then
    load_entries()
  end
  if mode == "page" then
    for _, e in ipairs(entries) do
      -- a path of the entry's own (its third field starts with "/"), else the scenario's
      local path = (e.step and e.step:sub(1, 1) == "/") and e.step or page_path
      e.request = wrk.format("GET", path, { ["Cookie"] = e.cookie })
    end
  end
end

if mode == "page" then
  -- each client's request is built once (in init), so that wrk spends its time on the responses
  request = function()
    return entries[math.random(#entries)].request
  end
elseif mode == "toggle" then
  -- round robin through this thread's steps: done on the first pass, not-done on the next, and so on,
  -- so every request really changes a step's state
  request = function()
    local e = entries[next_index]
    next_index = next_index + 1
    if next_index > #entries then next_index = 1 end
    local action = e.done and "not-done" or "done"
    e.done = not e.done
    return wrk.format("POST", "/plan/steps/" .. e.step .. "/" .. action, {
      ["Cookie"] = e.cookie,
      ["HX-Request"] = "true",
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, "csrf_token=" .. e.csrf)
  end
elseif mode == "book" then
  -- each client presses "Book appointment" once; a thread that runs out of clients stops
  request = function()
    if next_index > #entries then
      exhausted = true
      next_index = 1
    end
    if exhausted then replays = replays + 1 end
    local e = entries[next_index]
    next_index = next_index + 1
    return wrk.format("POST", "/appointments/book/check", {
      ["Cookie"] = e.cookie,
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, "csrf_token=" .. e.csrf .. "&idempotency_key=" .. e.key .. "&slot_id=" .. e.slot)
  end
end

function response(status, headers, body)
  responses = responses + 1
  if mode == "book" then
    if status == 302 then
      booked = booked + 1
    elseif status == 409 then
      taken = taken + 1
    else
      non_2xx = non_2xx + 1
    end
    if responses >= #entries then
      wrk.thread:stop()
    end
  elseif status < 200 or status > 299 then
    non_2xx = non_2xx + 1
  end
  if responses >= max_requests then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local not_ok, n_booked, n_taken, n_replays = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    not_ok = not_ok + (tonumber(thread:get("non_2xx")) or 0)
    n_booked = n_booked + (tonumber(thread:get("booked")) or 0)
    n_taken = n_taken + (tonumber(thread:get("taken")) or 0)
    n_replays = n_replays + (tonumber(thread:get("replays")) or 0)
  end
  local out = string.format(
    '{"mode":"%s","requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"non_2xx":%d,' ..
    '"booked":%d,"taken":%d,"replays":%d,' ..
    '"latency_us":{"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p75":%d,"p90":%d,"p95":%d,"p99":%d}}',
    mode, summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout, not_ok, n_booked, n_taken, n_replays,
    latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(75), latency:percentile(90), latency:percentile(95),
    latency:percentile(99))
  io.write("BENCH_RESULT " .. out .. "\n")
end
