-- Keeps the places of counted topics that have subscribers (whose keys the subscribers keep alive too), so that a
-- topic nobody publishes to for a while does not lose its place to a new one while it is still in use. Only topics
-- already counted are touched (XX): a topic nobody published to takes no place.
-- KEYS: 1 the cache's counted topics (sorted set).  ARGV: 1 time to live (ms), 2... topic names.
local clock = redis.call('TIME')
local until_ms = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], 'XX', until_ms, ARGV[i])
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return 1
