-- wrk script: POST Kannel post-xml callbacks, each with a unique kid (as Kannel's %I gives).
-- Usage: wrk -t2 -c16 -d30s --latency -s Benchmarks/wrk/kannel.lua http://127.0.0.1:8080
local path = os.getenv("KANNEL_XML") or "../shared/corpora/sms/kannel-mo.xml"
local file = assert(io.open(path, "rb"))
local body = file:read("*a")
file:close()

threads = {}
counter = 0
-- WRK_THREAD_BASE: several wrk processes at once (one per instance) number their threads apart.
id = tonumber(os.getenv("WRK_THREAD_BASE") or "0")

function setup(thread)
  id = id + 1
  thread:set("id", id)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "text/xml"
  run = tostring(os.time())
end

function request()
  counter = counter + 1
  return wrk.format(nil, "/sms/kannel?kid=bench-" .. run .. "-" .. id .. "-" .. counter)
end
