-- Scenario 1 of bench/bench_http.py: GET /api/v1/timestamp, the baseline (no signature, no
-- engine). It counts replies through response() like every other scenario, so that wrk's own
-- cost is the same in all of them.
local here = debug.getinfo(1, "S").source:sub(2):match("^(.*/)") or "./"
local common = dofile(here .. "common.lua")

local req

function init(args)
   local data = common.data()
   req = wrk.format("GET", "/api/v1/timestamp", { ["Host"] = data.host })
end

function request()
   return req
end

function response(status, headers, body)
   common.classify(status, body)
end
