// Lua for the shared provider gate: a circuit breaker and a 429 cooldown per provider.
// Time comes from Redis itself, so every process agrees regardless of its own clock.

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * KEYS: gate hash, cooldown key. ARGV: probe lease (ms).
 * Returns {allowed (0|1), state, wait ms}. An open circuit past its cooldown lets exactly
 * one caller through as the probe (state `probe`); others wait until the probe reports.
 */
export const ACQUIRE_SCRIPT = `${NOW}
local cooldown = redis.call('PTTL', KEYS[2])
if cooldown > 0 then return {0, 'cooldown', cooldown} end
local g = redis.call('HMGET', KEYS[1], 'state', 'openUntil', 'probeUntil')
local state = g[1] or 'closed'
if state == 'closed' then return {1, 'closed', 0} end
if state == 'open' then
  local openUntil = tonumber(g[2]) or 0
  if now < openUntil then return {0, 'open', openUntil - now} end
else
  local probeUntil = tonumber(g[3]) or 0
  if now < probeUntil then return {0, 'half_open', probeUntil - now} end
end
redis.call('HSET', KEYS[1], 'state', 'half_open', 'probeUntil', now + tonumber(ARGV[1]), 'changedAt', now)
return {1, 'probe', 0}`;

/**
 * KEYS: gate hash, window hash. ARGV: outcome ('ok'|'fail'|'release'), probe (0|1),
 * consecutive failures to open, failure rate to open, minimum calls for the rate,
 * window ms, cooldown ms. Returns the state after the call.
 * Only the probe's outcome moves a half-open circuit; late results of calls that started
 * before the circuit opened are counted but change nothing.
 */
export const RECORD_SCRIPT = `${NOW}
local outcome, probe = ARGV[1], ARGV[2] == '1'
local threshold, rate, minCalls = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local windowMs, cooldownMs = tonumber(ARGV[6]), tonumber(ARGV[7])
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
local function open()
  redis.call('HSET', KEYS[1], 'state', 'open', 'openUntil', now + cooldownMs, 'probeUntil', 0,
    'fails', 0, 'changedAt', now)
  redis.call('HINCRBY', KEYS[1], 'opened', 1)
  redis.call('DEL', KEYS[2])
  return 'open'
end
if outcome == 'release' then
  if probe and state == 'half_open' then redis.call('HSET', KEYS[1], 'probeUntil', 0) end
  return state
end
if state == 'half_open' then
  if not probe then return state end
  if outcome == 'fail' then return open() end
  redis.call('HSET', KEYS[1], 'state', 'closed', 'fails', 0, 'openUntil', 0, 'probeUntil', 0,
    'changedAt', now)
  redis.call('DEL', KEYS[2])
  return 'closed'
end
if state == 'open' then return state end
local bucketMs = math.max(100, math.floor(windowMs / 10))
local bucket = math.floor(now / bucketMs)
redis.call('HINCRBY', KEYS[2], bucket .. ':n', 1)
if outcome == 'ok' then
  redis.call('HSET', KEYS[1], 'fails', 0)
  redis.call('PEXPIRE', KEYS[2], windowMs + bucketMs)
  return 'closed'
end
redis.call('HINCRBY', KEYS[2], bucket .. ':f', 1)
redis.call('PEXPIRE', KEYS[2], windowMs + bucketMs)
local fails = redis.call('HINCRBY', KEYS[1], 'fails', 1)
if fails >= threshold then return open() end
local oldest = bucket - math.floor(windowMs / bucketMs) + 1
local calls, failed = 0, 0
local fields = redis.call('HGETALL', KEYS[2])
for i = 1, #fields, 2 do
  local b, kind = string.match(fields[i], '^(%d+):(%a)$')
  if tonumber(b) < oldest then
    redis.call('HDEL', KEYS[2], fields[i])
  elseif kind == 'n' then
    calls = calls + tonumber(fields[i + 1])
  else
    failed = failed + tonumber(fields[i + 1])
  end
end
if calls >= minCalls and failed / calls >= rate then return open() end
return 'closed'`;

/** KEYS: cooldown key. ARGV: ms. Never shortens a longer cooldown already in place. */
export const COOLDOWN_SCRIPT = `local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1`;
