-- Reads the live figures every node shares for a cache's topics (see figures-share.lua): those of the nodes Redis
-- heard from within the time to live, as a flat list {node id, figures, node id, figures, ...}. Reads only.
-- KEYS: 1 hash (node id -> figures), 2 sorted set (node id -> when last heard from, epoch ms).  ARGV: 1 time to live (ms).
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local live = redis.call('ZRANGEBYSCORE', KEYS[2], string.format('%.0f', now - tonumber(ARGV[1])), '+inf')
local shared = {}
for _, node in ipairs(live) do
  local figures = redis.call('HGET', KEYS[1], node)
  if figures then
    shared[#shared + 1] = node
    shared[#shared + 1] = figures
  end
end
return shared
