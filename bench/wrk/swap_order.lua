-- Scenario 4 of bench/bench_http.py: signed POST swap_order, resting limit buys (they never
-- match: there is no seller) spread over `data.spread` price ticks below `data.top_ticks`,
-- rotating over the UIDs of `data.order_urls`. The requests are formatted once, in init(), as a
-- cycle long enough to visit every UID at many prices.
local here = debug.getinfo(1, "S").source:sub(2):match("^(.*/)") or "./"
local common = dofile(here .. "common.lua")

local reqs = {}
local i = 0
local CYCLE = 4096

local function price(ticks)
   return string.format("%d.%d", math.floor(ticks / 10), ticks % 10)
end

function init(args)
   local data = common.data()
   local urls = data.order_urls
   for k = 0, CYCLE - 1 do
      local url = urls[(k + thread_index) % #urls + 1]
      local ticks = data.top_ticks - (k * 7 + thread_index * 131) % data.spread
      local body = '{"contract_code":"BTC-USD","direction":"buy","offset":"open","volume":1,'
         .. '"lever_rate":10,"order_price_type":"limit","price":' .. price(ticks) .. '}'
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
