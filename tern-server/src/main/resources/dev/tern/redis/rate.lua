-- One cache's publish rate across every node: a token bucket refilled at the cache's rate and holding at most one
-- second's worth (as on a single node). Takes one token, or answers how many milliseconds until one is available.
-- KEYS: 1 the bucket hash.  ARGV: 1 rate (messages per second).
local rate = tonumber(ARGV[1])
local now = redis.call('TIME')
local micros = tonumber(now[1]) * 1000000 + tonumber(now[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = rate
else
  tokens = math.min(rate, tokens + math.max(0, micros - at) * rate / 1000000)
end
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', now[1] .. string.format('%06d', tonumber(now[2])))
redis.call('PEXPIRE', KEYS[1], 2000)
return wait
