-- The rule that gives a topic its page; shared by every script that gives out or reads sequence numbers.
-- A page holds while the same Redis primary serves the topic: the meta hash records the epoch (the primary's
-- replication id, master_replid) under which its page and counter were written. A promoted replica, or a server
-- restarted from a snapshot, has a new replication id, and its copy of the counter may be behind the numbers the
-- old primary gave out (replication is asynchronous). So when the recorded epoch is not the current one, the topic
-- continues on a new page, greater than the old one, from 1: no position can name two messages. The stream is
-- emptied with it (its entry ids are sequence numbers on the old page). Also a new or expired topic gets a new page.
-- Pages are Redis's clock in microseconds (below 2^53, for JavaScript clients), and at least the old page + 1.
-- A topic that gets a new page is announced (its name) on the cache's topics channel, for the nodes that follow a
-- prefix of the cache ('' for none: a Redis Cluster, where prefixes are not offered); a PUBLISH nobody listens to
-- costs Redis next to nothing, and it happens once per topic creation, not per message.
local function topic_page(meta, stream, announce_channel, topic_name)
  local info = redis.call('INFO', 'replication')
  local epoch = string.match(info, 'master_replid:(%w+)') or '?'
  local state = redis.call('HMGET', meta, 'page', 'epoch')
  local page = state[1]
  if page and state[2] == epoch then
    return page
  end
  local now = redis.call('TIME')
  local fresh = now[1] .. string.format('%06d', tonumber(now[2]))
  if page and tonumber(fresh) <= tonumber(page) then
    fresh = string.format('%.0f', tonumber(page) + 1)
  end
  redis.call('DEL', stream)
  redis.call('HSET', meta, 'page', fresh, 'seq', 0, 'bytes', 0, 'epoch', epoch)
  if announce_channel ~= '' then
    redis.call('PUBLISH', announce_channel, topic_name)
  end
  return fresh
end
