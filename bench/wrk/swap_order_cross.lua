-- bench/bench_ws.py: signed POST swap_order, limit orders of 1 contract at one price, sells
-- and buys alternating and rotating over the UIDs of `data.order_urls`, so that about every
-- second order trades (a trade push, a depth change, both sides' order pushes). With
-- `data.delay_ms` > 0 each connection waits that long before each request (the paced run of
-- the latency measurement: connections * 1000 / delay_ms requests/s at most).
local here = debug.getinfo(1, "S").source:sub(2):match("^(.*/)") or "./"
local common = dofile(here .. "common.lua")

local reqs = {}
local i = 0
local data = common.data()

-- Defined only when pacing: wrk checks at start whether the script has a delay().
if (data.delay_ms or 0) > 0 then
   function delay()
      return data.delay_ms
   end
end

function init(args)
   local urls = data.order_urls
   for k = 0, 2 * #urls - 1 do
      local url = urls[(k + thread_index) % #urls + 1]
      local side = (k % 2 == 0) and "sell" or "buy"
      local body = '{"contract_code":"BTC-USD","direction":"' .. side .. '","offset":"open",'
         .. '"volume":1,"lever_rate":10,"order_price_type":"limit","price":' .. data.price .. '}'
      table.insert(reqs, common.post(data, url, body))
   end
end

function request()
   i = i % #reqs + 1
   return reqs[i]
end

function response(status, headers, body)
   common.classify(status, body)
end
