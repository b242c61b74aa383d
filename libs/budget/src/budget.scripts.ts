// Lua for budget reservations: one script before an LLM call (check every pool and reserve)
// and one after it (settle), so a call costs at most two Redis round trips.
//
// Keys (the configured prefix first, so a `{hash tag}` keeps them on one Cluster slot):
//   <prefix>:budget:<poolId>:<periodKey>        hash { spent, reserved } — a pool's counter
//   <prefix>:budget:<poolId>:job:<jobId>        the same, for a job pool (one per job)
//   <prefix>:budget:res:<id>                    hash { <counter key> = µ$ held in it }
//   <prefix>:budget:reservations                zset of reservation ids, scored by expiry (ms)
// Releasing expired reservations touches keys the caller could not declare (found in the
// zset); they share the prefix's hash tag, so they live in the script's slot.
//
// Every number handed to redis.call goes through int() (%.0f): Lua numbers are doubles, and
// Redis may print one as 1e+11, which HINCRBY and PEXPIRE refuse. Amounts stay below 2^53,
// where doubles hold integers exactly.

const COMMON = `
local function int(x)
  if x == 0 then return '0' end
  return string.format('%.0f', x)
end
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Doubles divide with rounding; correct the quotient so it is exactly the floor.
local function fdiv(a, b)
  local q = math.floor(a / b)
  if q * b > a then q = q - 1 elseif (q + 1) * b <= a then q = q + 1 end
  return q
end
local function cdiv(a, b)
  local q = fdiv(a, b)
  if q * b < a then q = q + 1 end
  return q
end
-- Returns a reservation's hold to its counters (never below 0, never recreating a counter
-- that already expired) and forgets it.
local function release(zset, resKey, id)
  local held = redis.call('HGETALL', resKey)
  for j = 1, #held, 2 do
    local counter, amount = held[j], tonumber(held[j + 1])
    if amount ~= 0 and redis.call('EXISTS', counter) == 1 then
      if redis.call('HINCRBY', counter, 'reserved', int(-amount)) < 0 then
        redis.call('HSET', counter, 'reserved', '0')
      end
    end
  end
  redis.call('DEL', resKey)
  redis.call('ZREM', zset, id)
end
local function heal(zset, resPrefix, now, limit)
  local ids = redis.call('ZRANGEBYSCORE', zset, '-inf', int(now), 'LIMIT', '0', int(limit))
  for _, id in ipairs(ids) do release(zset, resPrefix .. id, id) end
  return #ids
end
`;

/**
 * KEYS: reservations zset, the new reservation's hash, then one counter per pool.
 * ARGV: [1] reservation id, [2] reservation hash prefix, [3] reservation TTL ms,
 *       [4] input cost scaled (tokens × µ$/Mtok), [5] output price, [6] max tokens,
 *       [7] floor tokens, [8] worst case µ$, [9] how many expired reservations to release,
 *       then per pool: limit µ$, hard (1|0), counter TTL ms (0: none).
 * Returns {1, max tokens, µ$ reserved, expired released} or
 *         {0, index of the refusing pool (1-based), its remaining µ$, µ$ needed}.
 * The lowering is budget-math.ts's lowerToBudget, step for step.
 */
export const RESERVE_SCRIPT = `${COMMON}
local healed = heal(KEYS[1], ARGV[2], nowMs(), tonumber(ARGV[9]))
local inputScaled, outPrice = tonumber(ARGV[4]), tonumber(ARGV[5])
local maxTokens, floorTokens, worst = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local pools = #KEYS - 2
local tightest, least = 0, nil
for i = 1, pools do
  local a = 9 + (i - 1) * 3
  if ARGV[a + 2] == '1' then
    local c = redis.call('HMGET', KEYS[i + 2], 'spent', 'reserved')
    local remaining = tonumber(ARGV[a + 1]) - (tonumber(c[1]) or 0) - (tonumber(c[2]) or 0)
    if least == nil or remaining < least then least, tightest = remaining, i end
  end
end
local amount = worst
if least ~= nil and least < worst then
  -- least < worst keeps least * 1e6 below 2^52 + 1e6: exact.
  local floor = math.min(floorTokens, maxTokens)
  local spare = least * 1000000 - inputScaled
  local affordable = -1
  if outPrice > 0 and spare >= 0 then affordable = fdiv(spare, outPrice) end
  if affordable < floor then
    return {0, tightest, least, cdiv(inputScaled + floor * outPrice, 1000000)}
  end
  maxTokens = affordable
  amount = cdiv(inputScaled + affordable * outPrice, 1000000)
end
local held = int(amount)
for i = 1, pools do
  local counter = KEYS[i + 2]
  redis.call('HINCRBY', counter, 'reserved', held)
  local ttl = tonumber(ARGV[9 + (i - 1) * 3 + 3])
  if ttl > 0 then redis.call('PEXPIRE', counter, int(ttl)) end
  redis.call('HSET', KEYS[2], counter, held)
end
local ttl = tonumber(ARGV[3])
-- The hash outlives its expiry so the sweep can still release it; the TTL only stops a leak.
redis.call('PEXPIRE', KEYS[2], int(ttl + 7 * 86400000))
redis.call('ZADD', KEYS[1], int(nowMs() + ttl), ARGV[1])
return {1, maxTokens, amount, healed}`;

/**
 * KEYS: reservations zset, the reservation's hash, then its counters.
 * ARGV: [1] reservation id, [2] actual µ$, then per counter its TTL ms (0: none), applied
 *       only if the counter had to be recreated.
 * Returns {state, spent before, spent after, ...per counter}; state 1: released and settled,
 * 2: the reservation had expired (its hold was already returned; the money still counts).
 */
export const SETTLE_SCRIPT = `${COMMON}
local state = 2
if redis.call('EXISTS', KEYS[2]) == 1 then
  release(KEYS[1], KEYS[2], ARGV[1])
  state = 1
end
redis.call('ZREM', KEYS[1], ARGV[1])
local actual = tonumber(ARGV[2])
local out = {state}
for i = 3, #KEYS do
  local after = redis.call('HINCRBY', KEYS[i], 'spent', ARGV[2])
  local ttl = tonumber(ARGV[i])
  if ttl > 0 and redis.call('PTTL', KEYS[i]) == -1 then redis.call('PEXPIRE', KEYS[i], int(ttl)) end
  out[#out + 1] = after - actual
  out[#out + 1] = after
end
return out`;

/**
 * KEYS: reservations zset. ARGV: [1] reservation hash prefix, [2] most to release.
 * Returns how many expired reservations it released.
 */
export const SWEEP_SCRIPT = `${COMMON}
return heal(KEYS[1], ARGV[1], nowMs(), tonumber(ARGV[2]))`;
