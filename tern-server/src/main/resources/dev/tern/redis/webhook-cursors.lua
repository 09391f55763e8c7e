-- Stores delivery cursors written under a fencing token; drops those whose webhook is gone or leased to another
-- holder since (its token is greater now).
-- KEYS: 1 fences hash, 2 cursors hash, 3 webhooks hash.  ARGV: triples of webhook key, token, cursor.
local stored = 0
for i = 1, #ARGV, 3 do
  local key = ARGV[i]
  if redis.call('HGET', KEYS[1], key) == ARGV[i + 1] and redis.call('HEXISTS', KEYS[3], key) == 1 then
    redis.call('HSET', KEYS[2], key, ARGV[i + 2])
    stored = stored + 1
  end
end
return stored
