-- Scenario 5 of bench/bench_http.py: signed swap_order and swap_cancelall in pairs, each
-- cancel-all cancelling the order placed just before it.
--
-- wrk's Lua API has no notion of connection, so pairing is done per thread with a pool of UIDs
-- (this thread's share of `data.pairs`, more UIDs than the thread has connections):
--   * a free UID gets a resting limit buy (swap_order, with a client_order_id that names it);
--   * when that order's reply arrives, the UID is ready: the next request sent is a
--     swap_cancelall for it (cancel-alls go before new orders);
--   * when the cancel-all's reply arrives (its `successes` name the order, hence the UID), the
--     UID is free again.
-- So a UID never has more than one order or request in flight, and each cancel-all finds exactly
-- the order placed before it: every cancel-all cancels one order, and about half of the requests
-- are cancel-alls. Counters: cancel_hit (cancel-alls that cancelled at least one order),
-- cancelled_orders, cancel_empty (1051 replies), fallback (no UID was free or ready: a
-- cancel-all is sent anyway and will find nothing; should stay 0).
local here = debug.getinfo(1, "S").source:sub(2):match("^(.*/)") or "./"
local common = dofile(here .. "common.lua")

local data
local order_url, cancel_req = {}, {}
local free, ready = { head = 1, tail = 0 }, { head = 1, tail = 0 }
local uid_of_coid, uid_of_order = {}, {}
local seq = 0
local mine = {}
local rr = 0

local function push(q, v)
   q.tail = q.tail + 1
   q[q.tail] = v
end

local function pop(q)
   if q.head > q.tail then return nil end
   local v = q[q.head]
   q[q.head] = nil
   q.head = q.head + 1
   return v
end

function init(args)
   data = common.data()
   for k, pair in ipairs(data.pairs) do
      if (k - 1) % data.threads == thread_index - 1 then
         order_url[pair.uid] = pair.order_url
         cancel_req[pair.uid] = common.post(data, pair.cancel_url, data.cancel_body)
         table.insert(mine, pair.uid)
         push(free, pair.uid)
      end
   end
end

function request()
   local uid = pop(ready)
   if uid then
      common.count("sent_cancel")
      return cancel_req[uid]
   end
   uid = pop(free)
   if uid then
      seq = seq + 1
      local coid = thread_index .. string.format("%09d", seq)
      uid_of_coid[coid] = uid
      common.count("sent_order")
      local body = '{"contract_code":"BTC-USD","direction":"buy","offset":"open","volume":1,'
         .. '"lever_rate":10,"order_price_type":"limit","price":' .. data.pair_price
         .. ',"client_order_id":' .. coid .. '}'
      return common.post(data, order_url[uid], body)
   end
   common.count("fallback")
   rr = rr % #mine + 1
   return cancel_req[mine[rr]]
end

function response(status, headers, body)
   local outcome = common.classify(status, body)
   if outcome ~= "ok" then
      if outcome == "err_1051" then common.count("cancel_empty") end
      return
   end
   local ids = body:match('"successes":"([%d,]*)"')
   if ids then  -- a cancel-all's reply
      local uid = nil
      local n = 0
      for id in ids:gmatch("%d+") do
         uid = uid or uid_of_order[id]
         uid_of_order[id] = nil
         n = n + 1
      end
      common.count_cancel(n)
      if uid then push(free, uid) end
      return
   end
   local coid = body:match('"client_order_id":(%d+)')
   local order_id = body:match('"order_id":(%d+)')
   local uid = coid and uid_of_coid[coid]
   if uid and order_id then
      uid_of_coid[coid] = nil
      uid_of_order[order_id] = uid
      common.count("placed")
      push(ready, uid)
   else
      common.count("unmatched")
   end
end
