-- Where a topic stands, for introspection: {page, last sequence number, retained values' bytes, retained messages,
-- milliseconds since the newest message was stored (by Redis's clock)}; '' for what the topic does not have (its keys
-- expired, or no message is retained). Reads only.
-- KEYS: 1 meta hash, 2 stream.
local meta = redis.call('HMGET', KEYS[1], 'page', 'seq', 'bytes')
local idle = ''
local newest = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
if #newest == 1 then
  local fields = newest[1][2]
  for i = 1, #fields, 2 do
    if fields[i] == 'ms' then
      local clock = redis.call('TIME')
      local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
      idle = string.format('%.0f', math.max(0, now - tonumber(fields[i + 1])))
    end
  end
end
return {meta[1] or '', meta[2] or '', meta[3] or '', redis.call('XLEN', KEYS[2]), idle}
