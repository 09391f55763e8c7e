-- Reads a topic's place and history: its page, its last sequence number and the retained messages from a given
-- sequence number on. Creates the topic (a new page) when it does not exist, and refreshes its time to live,
-- so that a subscriber learns the page at once and the topic does not expire under it.
-- KEYS: 1 meta hash, 2 stream.  ARGV: 1 first sequence number wanted (0: none), 2 most messages to return,
-- 3 time to live (ms), 4 the page the caller knows ('0': any); on another page, history is read from its start;
-- 5 a time (epoch ms, '0': none): also answer the first sequence number stored at or after it (a live-only
-- subscriber's start), or the next number to be given when nothing retained is that recent; 6 the cache's topics
-- channel ('' for none), 7 the topic's name (announced there when the topic is new).
local page = topic_page(KEYS[1], KEYS[2], ARGV[6], ARGV[7])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
local seq = redis.call('HGET', KEYS[1], 'seq')
local from = ARGV[1]
if from ~= '0' and ARGV[4] ~= '0' and ARGV[4] ~= page then
  from = '1'
end
local entries = {}
if from ~= '0' then
  entries = redis.call('XRANGE', KEYS[2], from .. '-0', '+', 'COUNT', ARGV[2])
end
local pin = 0
if ARGV[5] ~= '0' then
  local since = tonumber(ARGV[5])
  pin = tonumber(seq) + 1
  local recent = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', ARGV[2])
  for _, entry in ipairs(recent) do
    local fields = entry[2]
    local at = nil
    for i = 1, #fields, 2 do
      if fields[i] == 'ms' then
        at = tonumber(fields[i + 1])
      end
    end
    if at == nil or at < since then
      break
    end
    pin = tonumber(string.match(entry[1], '^(%d+)'))
  end
end
return {page, seq, entries, pin}
