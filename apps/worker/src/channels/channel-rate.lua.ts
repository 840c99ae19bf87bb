/**
 * The storm policy's two Redis scripts (channel-rate.ts), each one atomic step, so every worker
 * process shares one bucket per integration. Time is the caller's (ARGV[1], epoch ms): tests drive
 * it, and a process whose clock is behind the last call's refills nothing.
 * KEYS (both): bucket (hash tokens/at), held counts (hash), held samples (list).
 */

/** Refills the bucket to `now`; `save()` writes it back. */
const BUCKET = `
local now, rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local windowMs, keepMs = tonumber(ARGV[4]), tonumber(ARGV[5])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(b[1]) or burst, tonumber(b[2]) or now
if now > at then tokens = math.min(burst, tokens + (now - at) * rate); at = now end
local function save()
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
  redis.call('PEXPIRE', KEYS[1], keepMs)
end
-- ms until the held changes may go out as a digest: their window over and a token free
local function due()
  local since = tonumber(redis.call('HGET', KEYS[2], 'since') or now)
  local wait = since + windowMs - now
  if tokens < 1 then wait = math.max(wait, math.ceil((1 - tokens) / rate)) end
  return math.max(0, wait)
end
`;

/**
 * Admits one change. KEYS[4]: admitted change keys (zset, `s:`/`h:` + key, scored by send time),
 * KEYS[5]: alerts with an incident open on the receiver (zset). ARGV[6..]: sample bound, how long
 * incidents are remembered, mode, alert id, change key, change, severity, occurred ms, sample
 * JSON, customer. Modes: `hold` (sent while nothing is held and a token is free, else held),
 * `raise` (the same, and a sent one marks the alert's incident open), `close` (an acknowledge or
 * resolve: reserved if the alert's incident is open, else `summarised`), `must` (reserved).
 * A reservation takes a token even below zero and answers the ms until it is its turn.
 */
export const ADMIT = `${BUCKET}
local sampleLimit, liveMs, mode, alertId, key = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8], ARGV[9], ARGV[10]
local change, severity, occurred = ARGV[11], ARGV[12], tonumber(ARGV[13])

-- a change admitted before (its job run again): the same answer, nothing counted twice
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - keepMs)
local sentAt = redis.call('ZSCORE', KEYS[4], 's:' .. key)
if sentAt then
  local wait = math.max(0, tonumber(sentAt) - now)
  if wait > 0 then return {'wait', wait} end
  return {'send', 0}
end
if redis.call('ZSCORE', KEYS[4], 'h:' .. key) then return {'held', due()} end

local function reserve()
  tokens = tokens - 1
  save()
  local wait = 0
  if tokens < 0 then wait = math.ceil(-tokens / rate) end
  redis.call('ZADD', KEYS[4], now + wait, 's:' .. key)
  redis.call('PEXPIRE', KEYS[4], keepMs)
  if wait > 0 then return {'wait', wait} end
  return {'send', 0}
end

if mode == 'must' then return reserve() end
if mode == 'close' then
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - liveMs)
  if not redis.call('ZSCORE', KEYS[5], alertId) then return {'summarised', 0} end
  if change == 'resolve' then redis.call('ZREM', KEYS[5], alertId) end
  return reserve()
end

-- nothing held and a token free: sent now (while changes are held, none overtakes their digest)
local held = tonumber(redis.call('HGET', KEYS[2], 'total') or '0')
if held == 0 and tokens >= 1 then
  if mode == 'raise' then
    redis.call('ZADD', KEYS[5], now, alertId)
    redis.call('PEXPIRE', KEYS[5], liveMs)
  end
  return reserve()
end

-- held for the integration's next digest: counted always, named up to the bound
if held == 0 then
  redis.call('HSET', KEYS[2], 'since', now, 'first', occurred, 'last', occurred, 'customer', ARGV[15])
else
  if occurred < tonumber(redis.call('HGET', KEYS[2], 'first')) then redis.call('HSET', KEYS[2], 'first', occurred) end
  if occurred > tonumber(redis.call('HGET', KEYS[2], 'last')) then redis.call('HSET', KEYS[2], 'last', occurred) end
end
redis.call('HINCRBY', KEYS[2], 'total', 1)
redis.call('HINCRBY', KEYS[2], 'c:' .. change, 1)
redis.call('HINCRBY', KEYS[2], 's:' .. severity, 1)
if redis.call('LLEN', KEYS[3]) < sampleLimit then redis.call('RPUSH', KEYS[3], ARGV[14]) end
redis.call('ZADD', KEYS[4], now, 'h:' .. key)
redis.call('PEXPIRE', KEYS[4], keepMs)
save()
return {'held', due()}
`;

/**
 * Takes the held changes as one digest when it is due (ARGV[6] = '1': only looks). Answers
 * `{0}` when nothing is held, `{held, ms}` while it is not due, `{held, -1, counts, samples}`
 * when taken: counts and samples are deleted in the same step, so each held change is in
 * exactly one digest, and the digest takes a token like any message.
 */
export const TAKE = `${BUCKET}
local held = tonumber(redis.call('HGET', KEYS[2], 'total') or '0')
if held == 0 then return {0} end
local wait = due()
if wait > 0 or ARGV[6] == '1' then return {held, wait} end
tokens = tokens - 1
save()
local counts = redis.call('HGETALL', KEYS[2])
local samples = redis.call('LRANGE', KEYS[3], 0, -1)
redis.call('DEL', KEYS[2], KEYS[3])
return {held, -1, counts, samples}
`;
