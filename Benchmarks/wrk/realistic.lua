-- What the realistic wrk scripts share (loaded by each with dofile): picking, urlencoding, and
-- the per-thread setup (a thread id, a seeded generator, the thread's earlier posts).
function pick(list) return list[math.random(#list)] end

function encode(text)
  return (text:gsub("([^%w%-%.%_ ])", function(c) return string.format("%%%02X", string.byte(c)) end):gsub(" ", "+"))
end

-- WRK_THREAD_BASE: when several wrk processes run at once (one per instance), each numbers its
-- threads from its own base, so that their senders and message ids differ.
id = tonumber(os.getenv("WRK_THREAD_BASE") or "0")
function setup(thread)
  id = id + 1
  thread:set("id", id)
end

-- Called from each script's init: a POST of this content type, a generator seeded per thread.
function start_thread(content_type, seed)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = content_type
  run = tostring(os.time())
  math.randomseed(os.time() * 1000 + seed)
  counter = 0
  sent = {}
end
