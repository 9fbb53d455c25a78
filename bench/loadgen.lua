-- wrk script: cycle through pre-built, distinct callback requests (bench/reqfile.py format).
--
--   wrk -t1 -c8 -d8s -s bench/loadgen.lua http://127.0.0.1:PORT -- /wecom/callback FILE 1
--
-- The last argument repeats wrk's -t. Each wrk thread takes every Nth record (N = threads),
-- so no two threads send the same message. A thread that runs past the end of its share
-- starts over and counts a wrap: after a wrap our app sees duplicates, so run.py treats a
-- durable run with wraps as invalid (and sizes the file so that it does not happen).

local threads = {}
local counter = 0

function setup(thread)
   thread:set("tid", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

function init(args)
   local path, file = args[1], args[2]
   local nthreads = tonumber(args[3] or "1")
   reqs, n, idx, wraps = {}, 0, 0, 0
   local headers = { ["Content-Type"] = "text/xml" }
   local f = assert(io.open(file, "rb"))
   local i = 0
   while true do
      local line = f:read("*l")
      if not line then break end
      local qlen, blen = line:match("^(%d+) (%d+)$")
      local query = f:read(tonumber(qlen))
      local body = f:read(tonumber(blen))
      if i % nthreads == (tid or 0) then
         n = n + 1
         reqs[n] = wrk.format("POST", path .. "?" .. query, headers, body)
      end
      i = i + 1
   end
   f:close()
   assert(n > 0, "no requests in " .. file)
end

function request()
   idx = idx + 1
   if idx > n then
      idx = 1
      wraps = wraps + 1
   end
   return reqs[idx]
end

function done(summary, latency, requests)
   local total_wraps, used = 0, 0
   for _, thread in ipairs(threads) do
      total_wraps = total_wraps + (thread:get("wraps") or 0)
      used = used + (thread:get("idx") or 0)
   end
   io.write(string.format("BENCH wraps=%d last_index_sum=%d\n", total_wraps, used))
end
