/**
 * Sliding-window counter, atomic in one script: the count of the current fixed window plus
 * the previous window's count weighted by how much of it the sliding window still covers.
 * O(1) memory per key, and no 2x burst at window edges as a plain fixed window allows.
 * The clock is Redis's own TIME, so every API instance shares one clock.
 *
 * KEYS[1]  hash { w = window index, c = count in window w, p = count in window w - 1 }
 * ARGV[1]  limit per window; ARGV[2] window length in ms
 * Returns  { allowed (1|0), remaining, retry-after in ms }. Refused calls are not counted.
 */
export const RATE_LIMIT_SCRIPT = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local index = math.floor(now / window)
local elapsed = now - index * window

local state = redis.call('HMGET', KEYS[1], 'w', 'c', 'p')
local stored = tonumber(state[1])
local current, previous = 0, 0
if stored == index then
  current = tonumber(state[2]) or 0
  previous = tonumber(state[3]) or 0
elseif stored == index - 1 then
  previous = tonumber(state[2]) or 0
end

local weight = (window - elapsed) / window
if previous * weight + current + 1 <= limit then
  current = current + 1
  redis.call('HSET', KEYS[1], 'w', index, 'c', current, 'p', previous)
  redis.call('PEXPIRE', KEYS[1], window * 2)
  return {1, math.floor(limit - (previous * weight + current)), 0}
end

local wait
if current + 1 > limit then
  -- Not before the next window, where this window's count becomes the weighted one.
  wait = (window - elapsed) + math.ceil(window * (1 - (limit - 1) / current))
else
  -- Later in this window, once the previous window's weight has shrunk enough.
  wait = math.ceil(window * (1 - (limit - 1 - current) / previous)) - elapsed
end
return {0, 0, math.max(wait, 1)}
`;
