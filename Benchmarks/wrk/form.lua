-- wrk script: POST urlencoded feedback forms, each a different message (so none is a resubmit).
counter = 0
id = 0

function setup(thread)
  id = id + 1
  thread:set("id", id)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  run = tostring(os.time())
end

function request()
  counter = counter + 1
  local body = "kind=complaint&name=Ann+Smith&email=ann%40example.com&phone=07700+900123&postcode=B1+1AA"
    .. "&subject=Lift&message=The+lift+at+Elm+Court+is+broken+again+" .. run .. "-" .. id .. "-" .. counter
  return wrk.format(nil, "/feedback", nil, body)
end
