-- Gives up the leases this node holds, so another node takes the webhooks over at once.
-- ARGV: 1 node id, 2 lease key prefix, 3.. webhook keys.
for i = 3, #ARGV do
  local lease = ARGV[2] .. ARGV[i]
  if redis.call('GET', lease) == ARGV[1] then
    redis.call('DEL', lease)
  end
end
return 1
