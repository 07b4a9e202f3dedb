-- wrk script: the feedback form as tenants send it: many people, each message different, some
-- writing again about the same thing (a follow-up), a few pressing "send" twice (the same form
-- again: a redelivery, answered with the first reference).
-- Usage: wrk -t2 -c16 -d30s --latency -s Benchmarks/wrk/form-realistic.lua http://127.0.0.1:8080
local first = {"Ann", "Tom", "Amira", "Kwame", "Zoe", "Grace", "Hamza", "Joan", "Priya", "Daniel", "Rachel", "Tomasz"}
local last = {"Smith", "Nowak", "Haddad", "Mensah", "Bronte", "Adeyemi", "Ali", "Whitaker", "Shah", "Price", "Green", "Okafor"}
local kinds = {"complaint", "complaint", "comment", "compliment", "suggestion", ""}
local faults = {"The lift at %s has been broken for %d days", "Black mould in the bedroom at %s, %d weeks now",
  "Nobody came to fix the boiler at %s, I waited in %d times", "Thank you to the caretaker at %s for clearing %d bags",
  "The service charge at %s went up by %d pounds with no cleaning", "Noise from the flat above at %s after %d pm every night",
  "Please put a bike store behind %s, %d bikes were stolen", "The repair at %s was closed %d times without anyone coming"}
local places = {"Elm Court", "Birch House", "Tower View", "Canal Wharf", "Lister Court", "Park View", "Beech House"}

-- The helpers beside this script (pick, encode, setup, start_thread).
dofile((debug.getinfo(1, "S").source:match("^@?(.*/)") or "") .. "realistic.lua")

function init(args)
  start_thread("application/x-www-form-urlencoded", 7 * id)
end

function request()
  counter = counter + 1
  local roll = math.random()
  local form
  if #sent > 0 and roll < 0.02 then
    form = sent[math.random(#sent)][1]
  else
    local person
    if #sent > 0 and roll < 0.12 then
      person = sent[math.random(#sent)][2]
    else
      local n = math.random(0, 99999)
      person = {pick(first) .. " " .. pick(last), "t" .. id .. "-" .. n .. "-" .. run .. "@mail.example", string.format("07700 9%05d", n % 100000)}
    end
    local message = string.format(pick(faults), pick(places), math.random(2, 40)) .. ". Ref " .. counter .. "."
    form = "kind=" .. pick(kinds) .. "&name=" .. encode(person[1]) .. "&email=" .. encode(person[2]) .. "&phone=" .. encode(person[3])
      .. "&subject=" .. encode("About " .. pick(places)) .. "&message=" .. encode(message)
    if #sent < 5000 then table.insert(sent, {form, person}) end
  end
  return wrk.format(nil, "/feedback", nil, form)
end
