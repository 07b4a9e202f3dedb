-- wrk script: Kannel post-xml callbacks as a landlord's SMS number gets them, not a flood of
-- one body from one sender: 20,000 senders, each text different (built from a tenant's words:
-- places, faults, how long, what they want), about one in eight a follow-up from a sender who
-- texted earlier in the run ("still no one came about ..."), and about one in fifty the same
-- text resent by the phone under a new message id (a duplicate to recognise).
-- Usage: wrk -t2 -c16 -d30s --latency -s Benchmarks/wrk/kannel-realistic.lua http://127.0.0.1:8080
local places = {"Elm Close", "Birch House", "Mill Lane", "Tower View", "Canal Wharf", "Holly Bank", "Park View",
  "Lister Court", "Rosebank Road", "Fernbank Walk", "Beech House", "Orchard Close", "Cafe Row", "Block C"}
local faults = {"the boiler is broken", "no hot water", "the lift is out of order", "black mould in the bedroom",
  "a leak from the flat above into the kitchen ceiling", "the front door lock is broken", "the heating is off",
  "the toilet will not flush", "damp on the outside wall", "the hallway light is out", "rubbish not collected",
  "the window will not close", "a smell of gas in the stairwell", "noise from next door every night",
  "graffiti on the bin store", "the intercom does not work"}
local times = {"since Monday", "for 3 days", "for two weeks", "again", "since the storm", "for a month now", "today"}
local wants = {"pls send someone", "when will it be fixed?", "I want to complain", "this is the 3rd time I have reported it",
  "my kids are cold", "can u call me back", "thanks", "nobody has come", "I am disabled and cannot use the stairs", ""}

-- The helpers beside this script (pick, encode, setup, start_thread).
dofile((debug.getinfo(1, "S").source:match("^@?(.*/)") or "") .. "realistic.lua")

local function body(sender, text)
  return '<?xml version="1.0" encoding="ISO-8859-1"?>\n<message cid="1"><submit>'
    .. '<oa><number>' .. sender .. '</number></oa><da><number>447700900456</number></da>'
    .. '<ud>' .. encode(text) .. '</ud><dcs><coding>0</coding></dcs>'
    .. '<at><year>2026</year><month>11</month><day>22</day><hour>09</hour><minute>15</minute><second>51</second><timezone>0</timezone></at>'
    .. '<from><account>FAKE</account></from><to><service>default</service></to></submit></message>'
end

function init(args)
  start_thread("text/xml", id)  -- sent: earlier texts of this thread, {sender, text, fault, place}
end

function request()
  counter = counter + 1
  local sender, text
  local roll = math.random()
  if #sent > 0 and roll < 0.02 then
    local earlier = sent[math.random(#sent)]
    sender, text = earlier[1], earlier[2]
  elseif #sent > 0 and roll < 0.14 then
    local earlier = sent[math.random(#sent)]
    sender = earlier[1]
    text = "Still no one came about " .. earlier[3] .. " at " .. earlier[4] .. ", " .. pick(wants)
  else
    -- Each thread has its own block of numbers in Ofcom's drama range style.
    sender = string.format("4477009%02d%04d", id, math.random(0, 9999))
    local place, fault = pick(places), pick(faults)
    text = "Hi " .. math.random(1, 60) .. " " .. place .. ", " .. fault .. " " .. pick(times) .. ". " .. pick(wants)
    if #sent < 5000 then table.insert(sent, {sender, text, fault, place}) end
  end
  return wrk.format(nil, "/sms/kannel?kid=real-" .. run .. "-" .. id .. "-" .. counter, nil, body(sender, text))
end
