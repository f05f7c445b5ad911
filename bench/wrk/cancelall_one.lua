-- Scenario 3 of bench/bench_http.py: signed POST swap_cancelall where every call cancels exactly
-- one order. bench/http_server.py --resting gave each of the scenario's UIDs four resting orders
-- (a buy and a sell on BTC-USD and on ETH-USD); the four bodies in `data.bodies` name one
-- contract and direction each, so request k (counted across all threads) is UID k // 4 with body
-- k % 4, and no two requests ever find the same order, whatever order they are answered in.
-- The URLs (one per UID, signed once: HTX's signature does not cover the body) are read from the
-- text file `data.urls_file`, one per line; there are more than the run can send, and a thread
-- that runs out would send requests answered 1051, which the driver reports as a problem.
-- Counters: cancel_hit (replies that cancelled one order), cancelled_orders.
local here = debug.getinfo(1, "S").source:sub(2):match("^(.*/)") or "./"
local common = dofile(here .. "common.lua")

local data
local urls = {}
local bodies
local k

function init(args)
   data = common.data()
   for line in io.lines(data.urls_file) do
      table.insert(urls, line)
   end
   bodies = data.bodies
   k = thread_index - 1  -- this thread sends requests k, k + threads, k + 2 * threads, ...
end

function request()
   local uid_index = math.floor(k / 4) + 1
   local body = bodies[k % 4 + 1]
   k = k + data.threads
   if uid_index > #urls then
      common.count("exhausted")
      uid_index = #urls
   end
   return common.post(data, urls[uid_index], body)
end

function response(status, headers, body)
   if common.classify(status, body) ~= "ok" then return end
   local ids = body:match('"successes":"([%d,]*)"')
   local n = 0
   if ids then
      for _ in ids:gmatch("%d+") do n = n + 1 end
   end
   common.count_cancel(n)
end
