-- Shares one node's live figures of a cache's topics (see SharedTopicFigures), or withdraws them, and forgets the
-- figures of nodes that stopped sharing (a node that died): each node's figures count for a time to live after Redis
-- last heard from it, by Redis's own clock, so the nodes' clocks do not matter.
-- KEYS: 1 hash (node id -> that node's figures), 2 sorted set (node id -> when Redis last heard from it, epoch ms);
-- both carry the cache's hash tag.  ARGV: 1 node id, 2 figures ('' withdraws them), 3 time to live (ms).
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local ttl = tonumber(ARGV[3])
if ARGV[2] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('ZADD', KEYS[2], string.format('%.0f', now), ARGV[1])
end
local before = '(' .. string.format('%.0f', now - ttl)
for _, node in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', before)) do
  redis.call('HDEL', KEYS[1], node)
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', before)
-- When every node stops, the keys go too.
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
return 1
