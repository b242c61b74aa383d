// Lua for the spend ledger: one script before an LLM call (check every pool and reserve, and
// register the call) and one after it (settle, append the call's invocation row, and journal
// its answer), so a call costs exactly two Redis round trips (plus a sweep on the rare call
// that finds an expired reservation) and nothing it did is only in a process's memory.
//
// Keys (the configured prefix first, so a `{hash tag}` keeps them on one Cluster slot):
//   <prefix>:budget:<poolId>:<periodKey>        hash { spent, reserved } — a pool's counter
//   <prefix>:budget:<poolId>:job:<jobId>        the same, for a job pool (one per job)
//   <prefix>:budget:res:<id>                    hash { <counter key> = µ$ held in it,
//                                                      ~amount, ~in, ~max, ~row, ~lost }
//   <prefix>:budget:reservations                zset of reservation ids, scored by expiry (ms)
//   <prefix>:budget:input-factor                hash { model key = learned input multiplier }
//   <prefix>:ledger:invocations                 stream of invocation rows, drained to Postgres
// Every key a script touches is passed in KEYS, and they all share the prefix's hash tag (one
// Cluster slot); tests/integration/lua-keys.int-spec.ts checks both on every script's calls.
// Expiring reservations needs keys only the zset and the reservations' hashes name, so the
// caller reads them first (budget-sweep.ts) and the sweep script re-checks each reservation
// under its own atomicity: one settled, charged by another sweeper, or holding a counter the
// caller did not pass in the meantime is left alone.
//
// A reservation that expires belongs to a call whose process died (or that outlived
// BUDGET_RESERVATION_TTL_MS): the provider may still bill it, so it is charged at its worst
// case and logged as a `lost` invocation. If the call's settlement still arrives, it corrects
// the charge to the actual cost, and its row replaces the `lost` one.
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
local function isCounter(field) return string.sub(field, 1, 1) ~= '~' end
-- The set of KEYS[from..to], to check a hash's counters against the declared keys.
local function keySet(from, to)
  local set = {}
  for i = from, to do set[KEYS[i]] = true end
  return set
end
-- Whether every counter a reservation holds money in is among the declared keys.
local function covered(held, declared)
  for j = 1, #held, 2 do
    if isCounter(held[j]) and not declared[held[j]] then return false end
  end
  return true
end
-- Moves a reservation's hold out of its counters' reserved (never below 0, never recreating
-- a counter that already expired), into their spent when charge is set. Only declared
-- counters are touched (callers check covered() first).
local function unhold(held, charge, declared)
  for j = 1, #held, 2 do
    local counter, amount = held[j], tonumber(held[j + 1])
    if isCounter(counter) and declared[counter] and amount ~= 0
      and redis.call('EXISTS', counter) == 1 then
      if redis.call('HINCRBY', counter, 'reserved', int(-amount)) < 0 then
        redis.call('HSET', counter, 'reserved', '0')
      end
      if charge then redis.call('HINCRBY', counter, 'spent', int(amount)) end
    end
  end
end
local function field(held, name)
  for j = 1, #held, 2 do if held[j] == name then return held[j + 1] end end
  return nil
end
-- Charges an expired reservation at its worst case and logs the call as lost; the hash stays
-- (marked ~lost) so a late settlement can correct the charge. 'done' when it is charged (or
-- its hash was gone) and unregistered, 'gone' when it was no longer registered (settled, or
-- charged by another sweep), 'skip' while it has not expired or holds a counter outside
-- declared (the caller read it before a change: a later sweep sees it again).
local function expireOne(zset, key, id, stream, now, declared)
  local score = redis.call('ZSCORE', zset, id)
  if not score then return 'gone' end
  if tonumber(score) > now then return 'skip' end
  local held = redis.call('HGETALL', key)
  if #held > 0 and field(held, '~lost') == nil then
    if not covered(held, declared) then return 'skip' end
    unhold(held, true, declared)
    local amount = field(held, '~amount') or '0'
    redis.call('HSET', key, '~lost', amount)
    local row = field(held, '~row')
    if row then
      local lost = amount .. ',' .. (field(held, '~in') or '0') .. ',' ..
        (field(held, '~max') or '0') .. ',' .. int(now)
      redis.call('XADD', stream, '*', 'r', row, 'lost', lost)
    end
  end
  redis.call('ZREM', zset, id)
  return 'done'
end
`;

/**
 * KEYS: [1] reservations zset, [2] the new reservation's hash, [3] the learned input factors,
 *       then one counter per pool.
 * ARGV: [1] reservation id, [2] reservation TTL ms, [3] input tokens (the bound), [4] input
 *       price, [5] output price, [6] max tokens, [7] floor tokens, [8] the model's key in the
 *       learned factors ('' none), [9] the row to log if the call is lost ('' none: no pool
 *       applies and nothing registers the call), then per pool: limit µ$, hard (1|0), counter
 *       TTL ms (0: none).
 * Returns {1, max tokens, µ$ reserved, expired due, input tokens reserved} or
 *         {0, index of the refusing pool (1-based), its remaining µ$, µ$ needed, expired due}.
 * "Expired due" counts the reservations already past their expiry, which the caller then
 * charges with the sweep (budget-sweep.ts): their hashes and counters are not this call's
 * keys. Charging one moves its hold from reserved to spent, so it changes no pool's remaining
 * and no decision here.
 * With no pool and no row it holds nothing and returns {1, max tokens, worst case, expired
 * due, input tokens}.
 * The lowering is budget-math.ts's lowerToBudget, step for step.
 */
export const RESERVE_SCRIPT = `${COMMON}
local now = nowMs()
local due = redis.call('ZCOUNT', KEYS[1], '-inf', int(now))
local inputTokens = tonumber(ARGV[3])
if ARGV[8] ~= '' then
  local learned = tonumber(redis.call('HGET', KEYS[3], ARGV[8]) or '1')
  if learned > 1 then inputTokens = math.ceil(inputTokens * learned) end
end
local inputScaled, outPrice = inputTokens * tonumber(ARGV[4]), tonumber(ARGV[5])
local maxTokens, floorTokens = tonumber(ARGV[6]), tonumber(ARGV[7])
local worst = cdiv(inputScaled + maxTokens * outPrice, 1000000)
local first = 4
local pools = #KEYS - first + 1
if pools == 0 and ARGV[9] == '' then return {1, maxTokens, worst, due, inputTokens} end
local tightest, least = 0, nil
for i = 1, pools do
  local a = 9 + (i - 1) * 3
  if ARGV[a + 2] == '1' then
    local c = redis.call('HMGET', KEYS[first + i - 1], 'spent', 'reserved')
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
    return {0, tightest, least, cdiv(inputScaled + floor * outPrice, 1000000), due}
  end
  maxTokens = affordable
  amount = cdiv(inputScaled + affordable * outPrice, 1000000)
end
local held = int(amount)
for i = 1, pools do
  local counter = KEYS[first + i - 1]
  redis.call('HINCRBY', counter, 'reserved', held)
  local ttl = tonumber(ARGV[9 + (i - 1) * 3 + 3])
  if ttl > 0 then redis.call('PEXPIRE', counter, int(ttl)) end
  redis.call('HSET', KEYS[2], counter, held)
end
redis.call('HSET', KEYS[2], '~amount', held, '~in', int(inputTokens), '~max', int(maxTokens))
if ARGV[9] ~= '' then redis.call('HSET', KEYS[2], '~row', ARGV[9]) end
local ttl = tonumber(ARGV[2])
-- The hash outlives its expiry so a late settlement can still correct the charge.
redis.call('PEXPIRE', KEYS[2], int(ttl + 7 * 86400000))
redis.call('ZADD', KEYS[1], int(now + ttl), ARGV[1])
return {1, maxTokens, amount, due, inputTokens}`;

/**
 * KEYS: [1] reservations zset, [2] the reservation's hash, [3] the invocation stream,
 *       [4] the journal hash (any key when there is no answer to journal), then its counters.
 * ARGV: [1] reservation id, [2] actual µ$, [3] the invocation row ('' none), [4] the journal
 *       field ('' none), [5] the answer, [6] the journal's TTL ms, then per counter its TTL ms
 *       (0: none), applied only if the counter had to be recreated.
 * Returns {state, spent before, spent after, ...per counter}; state 1: released and settled,
 * 2: the reservation was unknown (the money still counts), 3: it had expired and was charged
 * at its worst case, now corrected to the actual cost.
 */
export const SETTLE_SCRIPT = `${COMMON}
local state = 2
local actual = tonumber(ARGV[2])
local delta = actual
local held = redis.call('HGETALL', KEYS[2])
if #held > 0 then
  local lost = field(held, '~lost')
  if lost then
    state = 3
    delta = actual - tonumber(lost)
  else
    -- The counters it holds money in are the ones the caller passed (the reservation's).
    unhold(held, false, keySet(5, #KEYS))
    state = 1
  end
  redis.call('DEL', KEYS[2])
end
redis.call('ZREM', KEYS[1], ARGV[1])
local out = {state}
for i = 5, #KEYS do
  local counter = KEYS[i]
  if state == 3 and redis.call('EXISTS', counter) == 0 then
    out[#out + 1] = 0
    out[#out + 1] = 0
  else
    local after = redis.call('HINCRBY', counter, 'spent', int(delta))
    if after < 0 then
      redis.call('HSET', counter, 'spent', '0')
      after = 0
    end
    local ttl = tonumber(ARGV[i + 2])
    if ttl > 0 and redis.call('PTTL', counter) == -1 then redis.call('PEXPIRE', counter, int(ttl)) end
    out[#out + 1] = after - delta
    out[#out + 1] = after
  end
end
if ARGV[3] ~= '' then redis.call('XADD', KEYS[3], '*', 'r', ARGV[3]) end
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[4], ARGV[4], ARGV[5])
  redis.call('PEXPIRE', KEYS[4], ARGV[6])
end
return out`;

/**
 * KEYS: [1] reservations zset, [2] invocation stream, then per reservation: its hash, then the
 *       counters it held money in when the caller read it.
 * ARGV: per reservation: its id, how many counters follow its hash in KEYS.
 * Charges each one that is still registered and expired (see expireOne). Returns {how many it
 * charged, how many it left for a later sweep}.
 */
export const SWEEP_SCRIPT = `${COMMON}
local now = nowMs()
local done, skipped, k = 0, 0, 3
for a = 1, #ARGV, 2 do
  local key, n = KEYS[k], tonumber(ARGV[a + 1])
  local outcome = expireOne(KEYS[1], key, ARGV[a], KEYS[2], now, keySet(k + 1, k + n))
  if outcome == 'done' then done = done + 1 elseif outcome == 'skip' then skipped = skipped + 1 end
  k = k + 1 + n
end
return {done, skipped}`;

/** KEYS: learned input factors. ARGV: model key, observed multiplier. Keeps the largest. */
export const LEARN_FACTOR_SCRIPT = `
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '1')
if tonumber(ARGV[2]) > current then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 1`;

/** Compare-and-set of a counter's `spent`: ARGV micros, expected ('' = any), ttl ms. */
export const SET_SPENT_SCRIPT = `
if ARGV[2] ~= '' and tonumber(redis.call('HGET', KEYS[1], 'spent') or '0') ~= tonumber(ARGV[2]) then
  return 0
end
redis.call('HSET', KEYS[1], 'spent', ARGV[1])
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1`;
