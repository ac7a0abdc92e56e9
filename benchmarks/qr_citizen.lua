-- wrk script for bench_qr_load.py: every connection is a line of citizens. Each citizen GETs
-- the desk's form (CSRF token, session cookie, its own response id), then POSTs one rating.
-- Run with one connection per thread (-t N -c N): the Lua state is per thread.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  codes = args
  step, n, accepted, refused = "form", 0, 0, 0
  math.randomseed(id * 7919 + 17)
end

function request()
  if step == "form" then
    n = n + 1
    agent = "Mozilla/5.0 (Linux; Android 10) wrk-citizen " .. id .. "-" .. n
    return wrk.format("GET", "/q/" .. codes[math.random(#codes)], {["User-Agent"] = agent})
  end
  local r = math.random(100)
  local rating = (r <= 60 and "3") or (r <= 97 and "2") or "1"
  return wrk.format("POST", action, {
    ["User-Agent"] = agent, ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "csrf_token=" .. token .. "&v=1&q_satisfaction=" .. rating)
end

function response(status, headers, body)
  if step == "form" then
    token = body:match('name="csrf_token" value="([^"]+)"')
    action = body:match('<form method="post" action="([^"]+)"')
    cookie = (headers["Set-Cookie"] or ""):match("^[^;]+")
    if token and action and cookie then step = "rating" else refused = refused + 1 end
    return
  end
  if status == 303 then accepted = accepted + 1 else refused = refused + 1 end
  step = "form"
end

function done(summary, latency, requests)
  local total_accepted, total_refused = 0, 0
  for _, thread in ipairs(threads) do
    total_accepted = total_accepted + thread:get("accepted")
    total_refused = total_refused + thread:get("refused")
  end
  io.write(string.format("accepted %d\nrefused %d\n", total_accepted, total_refused))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency_p%s_ms %.1f\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("latency_max_ms %.1f\nrequests %d\nerrors %d\n", latency.max / 1000,
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.status + summary.errors.timeout))
end
