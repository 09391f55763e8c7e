-- Appends one message to a topic, atomically: assigns the next sequence number, stores the message in the
-- topic's stream (trimmed to the history's length and bytes), refreshes the topic's time to live and announces the message
-- on the topic's channel. Because Redis runs a script as one step, two nodes can never assign the same number.
-- KEYS: 1 meta hash, 2 stream.  ARGV: 1 history length, 2 time to live (ms), 3 kind (t|b), 4 value,
-- 5 publisher id ('' for none), 6 channel, 7 PUBLISH (or SPUBLISH: sharded pub/sub on a Redis Cluster),
-- 8 history bytes (the values' total size kept, as --history-bytes; the newest message is always kept),
-- 9 the cache's topics channel ('' for none), 10 the topic's name (announced there when the topic is new).
-- topic_page (topic_page.lua, sent before this script): the page, new when the topic is new or the primary changed.
local page = topic_page(KEYS[1], KEYS[2], ARGV[9], ARGV[10])
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
-- 'ms': when Redis stored it (epoch ms), so that a live-only subscriber can be placed by time (see read.lua).
local clock = redis.call('TIME')
local ms = clock[1] .. string.format('%03d', math.floor(tonumber(clock[2]) / 1000))
redis.call('XADD', KEYS[2], seq .. '-0', 'k', ARGV[3], 'p', ARGV[5], 'v', ARGV[4], 'ms', ms)
-- Trim by count and by bytes as the in-memory history does ('bytes': the retained values' total size). Entry ids are
-- the contiguous sequence numbers, so the oldest are dropped with one XTRIM MINID once their sizes are counted.
local bytes = redis.call('HINCRBY', KEYS[1], 'bytes', string.len(ARGV[4]))
local keepFrom = seq - tonumber(ARGV[1]) + 1
local maxBytes = tonumber(ARGV[8])
local cut = nil
local scanning = true
local after = '-'
local batch = 1 -- usually one entry goes and the next stays: read few, more only while more go
while scanning do
  local oldest = redis.call('XRANGE', KEYS[2], after, '+', 'COUNT', batch)
  scanning = #oldest == batch
  batch = math.min(batch * 2, 64)
  for _, entry in ipairs(oldest) do
    local n = tonumber(string.match(entry[1], '^(%d+)'))
    if n >= seq or (n >= keepFrom and bytes <= maxBytes) then
      scanning = false
      break
    end
    local fields = entry[2]
    for i = 1, #fields, 2 do
      if fields[i] == 'v' then
        bytes = bytes - string.len(fields[i + 1])
      end
    end
    cut = n
    after = '(' .. entry[1]
  end
end
if cut then
  redis.call('XTRIM', KEYS[2], 'MINID', (cut + 1) .. '-0')
  redis.call('HSET', KEYS[1], 'bytes', bytes)
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call(ARGV[7], ARGV[6],
  page .. ' ' .. seq .. ' ' .. ARGV[3] .. ' ' .. string.len(ARGV[5]) .. ' ' .. ARGV[5] .. ARGV[4])
return {page, seq}
