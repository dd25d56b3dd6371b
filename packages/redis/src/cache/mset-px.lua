-- Sets several keys to values, each with the same time to live, atomically (mset with a ttl).
-- KEYS: the keys (in a cluster: all in one slot)
-- ARGV[1]: time to live in ms; ARGV[2..]: the encoded values, one per key, in KEYS order
-- Reply: the number of keys set
for i, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[i + 1], 'PX', ARGV[1])
end
return #KEYS
