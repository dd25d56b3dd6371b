-- Test helper: appends the same small entry to a stream many times in one call.
-- KEYS[1] the stream
-- ARGV[1] how many entries to add
-- ARGV[2] the value of the entry's `_` field
-- Reply: the stream's length afterwards
for _ = 1, tonumber(ARGV[1]) do
  redis.call('XADD', KEYS[1], '*', '_', ARGV[2])
end
return redis.call('XLEN', KEYS[1])
