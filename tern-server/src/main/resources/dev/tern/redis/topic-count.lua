-- Admits a publish against its cache's max_topic_count, across every node: the sorted set holds the cache's topics
-- published to within the topics' time to live, each scored by when that ends. A topic already there is admitted and
-- its place kept longer; a new one only while the set holds fewer than the limit. Expired places are dropped first.
-- KEYS: 1 the cache's counted topics (sorted set).  ARGV: 1 topic name, 2 time to live (ms), 3 max_topic_count.
-- Returns 1 when admitted, 0 when the cache holds its limit.
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
