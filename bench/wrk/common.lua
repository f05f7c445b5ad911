-- Shared by the scenario scripts of bench/bench_http.py (wrk 4, LuaJIT).
--
-- Every script dofile()s this file, then sets its own request() (and response()).
-- Scenario data (pre-signed URLs, the Host header they were signed for) come from the Lua file
-- named by the environment variable HTX_BENCH_DATA, which bench_http.py writes for each run.
-- done() prints one line the driver parses:
--   HTXBENCH requests=.. duration_us=.. p50_us=.. p99_us=.. errors_connect=.. ... name=value ..
-- where the trailing name=value pairs are the per-thread counters in `counts`, summed.

local common = {}

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("thread_index", #threads)  -- 1-based, visible to init() as a global
end

-- Per-thread counters, copied back to the main state by done(); numbers only.
counts = {}

function common.count(name, n)
   counts[name] = (counts[name] or 0) + (n or 1)
end

function common.data()
   local path = os.getenv("HTX_BENCH_DATA")
   if path == nil or path == "" then
      error("HTX_BENCH_DATA is not set (run through bench/bench_http.py)")
   end
   return dofile(path)
end

-- A POST request with a JSON body, with the Host header the URL was signed for.
function common.post(data, url, body)
   local headers = {
      ["Host"] = data.host,
      ["Content-Type"] = "application/json",
   }
   return wrk.format("POST", url, headers, body)
end

-- Counts each reply by its HTX outcome: "ok", or "err_<code>" (403 is the gateway's refusal).
function common.classify(status, body)
   if status ~= 200 then
      common.count("http_" .. status)
      return "http_" .. status
   end
   local code = body:match('"err_code":(%d+)')
   local outcome = code and ("err_" .. code) or (body:find('"status":"ok"', 1, true) and "ok")
      or "unknown"
   common.count(outcome)
   return outcome
end

-- Counts a cancel-all reply whose `successes` named n orders: cancel_hit and cancelled_orders,
-- or cancel_nothing.
function common.count_cancel(n)
   if n > 0 then
      common.count("cancel_hit")
      common.count("cancelled_orders", n)
   else
      common.count("cancel_nothing")
   end
end

function done(summary, latency, requests)
   local totals = {}
   for _, thread in ipairs(threads) do
      local c = thread:get("counts")
      if c then
         for name, n in pairs(c) do
            totals[name] = (totals[name] or 0) + n
         end
      end
   end
   local e = summary.errors
   local parts = {
      "HTXBENCH",
      "requests=" .. summary.requests,
      "duration_us=" .. summary.duration,
      "p50_us=" .. latency:percentile(50),
      "p99_us=" .. latency:percentile(99),
      "errors_connect=" .. e.connect,
      "errors_read=" .. e.read,
      "errors_write=" .. e.write,
      "errors_status=" .. e.status,
      "errors_timeout=" .. e.timeout,
   }
   local names = {}
   for name in pairs(totals) do table.insert(names, name) end
   table.sort(names)
   for _, name in ipairs(names) do
      table.insert(parts, "count." .. name .. "=" .. totals[name])
   end
   io.write(table.concat(parts, " ") .. "\n")
end

return common
