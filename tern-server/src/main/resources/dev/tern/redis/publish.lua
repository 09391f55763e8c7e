-- Appends one message to a topic, atomically: assigns the next sequence number, stores the message in the
-- topic's stream (trimmed to the history length), refreshes the topic's time to live and announces the message
-- on the topic's channel. Because Redis runs a script as one step, two nodes can never assign the same number.
-- KEYS: 1 meta hash, 2 stream.  ARGV: 1 history length, 2 time to live (ms), 3 kind (t|b), 4 value,
-- 5 publisher id ('' for none), 6 channel, 7 PUBLISH (or SPUBLISH: sharded pub/sub on a Redis Cluster).
-- topic_page (topic_page.lua, sent before this script): the page, new when the topic is new or the primary changed.
local page = topic_page(KEYS[1], KEYS[2])
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
-- 'ms': when Redis stored it (epoch ms), so that a live-only subscriber can be placed by time (see read.lua).
local clock = redis.call('TIME')
local ms = clock[1] .. string.format('%03d', math.floor(tonumber(clock[2]) / 1000))
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[1], seq .. '-0', 'k', ARGV[3], 'p', ARGV[5], 'v', ARGV[4], 'ms', ms)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call(ARGV[7], ARGV[6],
  page .. ' ' .. seq .. ' ' .. ARGV[3] .. ' ' .. string.len(ARGV[5]) .. ' ' .. ARGV[5] .. ARGV[4])
return {page, seq}
