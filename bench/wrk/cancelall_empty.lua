-- Scenario 2 of bench/bench_http.py: signed POST swap_cancelall for UIDs that have no open
-- orders, so every call is authenticated, decoded, run on the engine and answered with 1051
-- (no orders to cancel). The pre-signed URLs (one per UID, repeated within the signature's
-- window as HTX allows) rotate per request.
local here = debug.getinfo(1, "S").source:sub(2):match("^(.*/)") or "./"
local common = dofile(here .. "common.lua")

local reqs = {}
local i = 0

function init(args)
   local data = common.data()
   for _, url in ipairs(data.cancel_urls) do
      table.insert(reqs, common.post(data, url, data.cancel_body))
   end
   i = thread_index  -- threads start at different UIDs
end

function request()
   i = i % #reqs + 1
   return reqs[i]
end

function response(status, headers, body)
   common.classify(status, body)
end
