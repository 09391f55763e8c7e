-- Takes or renews this node's lease on each webhook; answers key, fencing token pairs for the leases it holds now.
-- A lease newly taken gets a fencing token greater than any before it, so cursor writes of an older holder are dropped.
-- KEYS: 1 fences hash.  ARGV: 1 node id, 2 time to live (ms), 3 lease key prefix, 4.. webhook keys.
local held = {}
for i = 4, #ARGV do
  local key = ARGV[i]
  local lease = ARGV[3] .. key
  local holder = redis.call('GET', lease)
  if not holder then
    redis.call('SET', lease, ARGV[1], 'PX', ARGV[2])
    table.insert(held, key)
    table.insert(held, redis.call('HINCRBY', KEYS[1], key, 1))
  elseif holder == ARGV[1] then
    redis.call('PEXPIRE', lease, ARGV[2])
    table.insert(held, key)
    table.insert(held, tonumber(redis.call('HGET', KEYS[1], key) or '0'))
  end
end
return held
