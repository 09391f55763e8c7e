-- Keeps a topic that has subscribers from expiring while nobody publishes to it.
-- KEYS: 1 meta hash, 2 stream.  ARGV: 1 time to live (ms).
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1
