-- wrk script for bench/redirect.sh: GET /<random slug> per request, slugs read from the
-- file named after `--` (one per line). done() prints one machine-readable line:
--   BENCH requests=… duration_us=… rps=… ok=… p50_us=… p90_us=… p99_us=… p999_us=… …
-- where ok = completed responses with a status below 400 (wrk counts >= 400 as errors).
--
-- A browser User-Agent is sent (override with BENCH_UA) so that Chorus takes the path of a
-- human click: wrk sends none by default, and a request without one is classified as a bot.

-- BENCH_VISITORS=many (default): every request carries X-Forwarded-For with a random
-- address from 2001:db8::/32 (documentation range; it is only a header, all traffic stays on
-- loopback), so that behind CHORUS_TRUSTED_PROXIES=127.0.0.1 each click comes from its own
-- visitor, as real traffic does. BENCH_VISITORS=one: no such header, every click comes
-- from the same visitor (127.0.0.1 and one user agent), which Chorus flags as a burst.
local many = (os.getenv("BENCH_VISITORS") or "many") ~= "one"
-- wrk.format() sends only the headers it is given: this table holds wrk.headers (filled in
-- init) plus X-Forwarded-For.
local xff = {}

local slugs = {}
local n = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  local path = args[1]
  if not path then error("usage: wrk ... -s random_slug.lua URL -- SLUGS_FILE") end
  for line in io.lines(path) do
    line = line:gsub("%s+$", "")
    if #line > 0 then
      n = n + 1
      slugs[n] = line
    end
  end
  if n == 0 then error("no slugs in " .. path) end
  math.randomseed(os.time() * 1009 + (tid or 0) * 7919)
  -- Discard the first draws: LuaJIT's first values after seeding are poorly mixed.
  for _ = 1, 10 do math.random(n) end
  wrk.headers["User-Agent"] = os.getenv("BENCH_UA")
    or "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
  wrk.headers["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
  wrk.headers["Accept-Language"] = "en-US,en;q=0.9"
  for k, v in pairs(wrk.headers) do xff[k] = v end
end

function request()
  local path = "/" .. slugs[math.random(n)]
  if many then
    xff["X-Forwarded-For"] = string.format("2001:db8:%x:%x:%x:%x:%x:%x",
      math.random(0, 65535), math.random(0, 65535), math.random(0, 65535),
      math.random(0, 65535), math.random(0, 65535), math.random(0, 65535))
    return wrk.format("GET", path, xff)
  end
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.1f ok=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d "
      .. "max_us=%d mean_us=%.1f stdev_us=%.1f err_connect=%d err_read=%d err_write=%d "
      .. "err_status=%d err_timeout=%d bytes=%d\n",
    summary.requests, summary.duration, summary.requests / secs,
    summary.requests - e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean, latency.stdev,
    e.connect, e.read, e.write, e.status, e.timeout, summary.bytes))
end
