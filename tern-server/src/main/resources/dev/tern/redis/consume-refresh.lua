-- Uses up an API key's refresh token: deletes the stored hash when it matches, so a token works once even when two
-- nodes race. KEYS[1] = the refresh-token hash, ARGV[1] = key id, ARGV[2] = hash of the presented token.
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 1
end
return 0
