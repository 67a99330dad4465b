// The gate's Redis scripts: each runs whole, so every process sees one consistent budget. Time is
// Redis's clock (TIME), so processes on skewed clocks agree. The arithmetic is budget.ts's: the minute
// in one-second slots (a request counts until 61 slots have passed, so no window of 60 s ever holds
// more than the limit), the hour as a token bucket, the pace factor halved by a 429 and doubling back
// every recovery period.

// Every script is given the gate's keys as KEYS, in the order of redis-keys.ts's GATE_KEY_NAMES
// (KEYS[1] slots … KEYS[9] urgent).

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** The pace factor now (1 when no 429 was heard lately). ARGV index of the recovery period given. */
const PACE = (recoveryArg: number) => `
local paceState = redis.call('HMGET', KEYS[7], 'factor', 'ts')
local factor = 1
if paceState[1] then
  factor = math.min(1, tonumber(paceState[1]) * 2 ^ ((now - tonumber(paceState[2])) / tonumber(ARGV[${recoveryArg}])))
end
`;

/**
 * Takes one request's place, or says how long to wait and why.
 * ARGV: token, concurrency, ratePerSecond, leaseMs, perMinute, hourCapacity, hourRefillPerMs, reserve,
 * urgent (1: a refresh), recoveryMs. Returns {0, 'ok'}, or {waitMs, reason} (-1: poll again soon).
 */
export const ACQUIRE = `${NOW}
local urgent = ARGV[9] == '1'
local function deny(wait, why)
  -- A refresh kept waiting marks itself, so that nightly work leaves it the next place. It polls at
  -- least every 5 s and marks itself again: a refresh that died holds the night back 6 s at most.
  if urgent then redis.call('SET', KEYS[9], '1', 'PX', math.min(6000, math.max(1000, wait + 1000))) end
  return {wait, why}
end
local pause = tonumber(redis.call('HGET', KEYS[3], 'until') or '0')
if pause > now then return deny(pause - now, 'paused') end
if not urgent and redis.call('EXISTS', KEYS[9]) == 1 then return {250, 'refresh-first'} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return deny(-1, 'slots') end
local rate = tonumber(ARGV[3])
local rateState = redis.call('HMGET', KEYS[2], 'tokens', 'ts')
local tokens = math.min(1, (tonumber(rateState[1]) or 1) + (now - (tonumber(rateState[2]) or now)) * rate / 1000)
if tokens < 1 then return deny(math.ceil((1 - tokens) * 1000 / rate), 'rate') end
local server = redis.call('HMGET', KEYS[8], 'remaining', 'reset')
local serverLeft = tonumber(server[1])
local serverReset = tonumber(server[2]) or 0
if serverLeft and serverReset > now and serverLeft < 1 then return deny(serverReset - now, 'server') end
${PACE(10)}
local reserve = tonumber(ARGV[8])
if urgent then reserve = 0 end
local perMinute = tonumber(ARGV[5])
local second = math.floor(now / 1000)
if perMinute > 0 then
  local used, oldest = 0, second
  local slots = redis.call('HGETALL', KEYS[5])
  for i = 1, #slots, 2 do
    local s = tonumber(slots[i])
    if s <= second - 61 then redis.call('HDEL', KEYS[5], slots[i])
    else
      used = used + tonumber(slots[i + 1])
      if s < oldest then oldest = s end
    end
  end
  local limit = math.max(1, math.floor(perMinute * factor))
  -- The refreshes' share slows with the pace (budget.ts reserveAt): a fixed share of the whole minute
  -- would leave nightly work one request a minute once a few 429s slowed the pace below it.
  local keep = math.floor(reserve * factor)
  if used >= math.max(1, limit - keep) then return deny(math.max(1, (oldest + 61) * 1000 - now), 'minute') end
end
local capacity = tonumber(ARGV[6])
local left = 0
if capacity > 0 then
  local refill = tonumber(ARGV[7]) * factor
  local hour = redis.call('HMGET', KEYS[4], 'tokens', 'ts')
  left = math.min(capacity, (tonumber(hour[1]) or capacity) + (now - (tonumber(hour[2]) or now)) * refill)
  local need = math.min(capacity, 1 + reserve)
  if left < need then return deny(math.max(1, math.ceil((need - left) / refill)), 'hour') end
end
redis.call('HSET', KEYS[2], 'tokens', tostring(tokens - 1), 'ts', now)
redis.call('PEXPIRE', KEYS[2], 60000)
if capacity > 0 then
  redis.call('HSET', KEYS[4], 'tokens', tostring(left - 1), 'ts', now)
  redis.call('PEXPIRE', KEYS[4], 7200000)
end
if perMinute > 0 then
  redis.call('HINCRBY', KEYS[5], second, 1)
  redis.call('PEXPIRE', KEYS[5], 120000)
end
local minute = math.floor(now / 60000)
redis.call('HINCRBY', KEYS[6], minute, 1)
local counted = redis.call('HKEYS', KEYS[6])
for i = 1, #counted do
  if tonumber(counted[i]) <= minute - 61 then redis.call('HDEL', KEYS[6], counted[i]) end
end
redis.call('PEXPIRE', KEYS[6], 7200000)
if serverLeft and serverReset > now then redis.call('HINCRBY', KEYS[8], 'remaining', -1) end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]) + 1000)
return {0, 'ok'}
`;

/** No request before now + ARGV[1] ms (a later pause already set stands). ARGV[2]: why. */
export const PAUSE = `${NOW}
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('HGET', KEYS[3], 'until') or '0')
if untilMs > current then
  redis.call('HSET', KEYS[3], 'until', untilMs, 'reason', ARGV[2])
  redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[1]) + 1000)
end
return untilMs - now
`;

/**
 * What a response said: ARGV remaining (-1: nothing said), resetMs, throttled (1: a 429), recoveryMs,
 * slowest factor. Returns the pace factor now, as text.
 */
export const OBSERVE = `${NOW}
local remaining = tonumber(ARGV[1])
if remaining >= 0 then
  local resetMs = tonumber(ARGV[2])
  redis.call('HSET', KEYS[8], 'remaining', remaining, 'reset', now + resetMs)
  redis.call('PEXPIRE', KEYS[8], resetMs + 1000)
end
${PACE(4)}
if ARGV[3] == '1' then
  factor = math.max(tonumber(ARGV[5]), factor / 2)
  redis.call('HSET', KEYS[7], 'factor', tostring(factor), 'ts', now)
  -- Four doublings bring the slowest pace back to whole: the state is not needed after that.
  redis.call('PEXPIRE', KEYS[7], tonumber(ARGV[4]) * 5)
end
return tostring(factor)
`;
