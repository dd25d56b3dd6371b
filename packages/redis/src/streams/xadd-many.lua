-- Adds several entries to one stream in one call: XADD <stream> [MAXLEN ~ <n>] * _ <payload>
-- for each payload, in order (what a pipeline of XADDs does, with one command to send and
-- parse instead of one per entry).
-- KEYS[1] the stream
-- ARGV[1] MAXLEN ~ cap, or 0 for no cap
-- ARGV[2..] the values of the `_` field, one per entry
-- Reply: the ids of the new entries, in order
local stream = KEYS[1]
local cap = tonumber(ARGV[1])
local ids = {}
for i = 2, #ARGV do
  if cap > 0 then
    ids[i - 1] = redis.call('XADD', stream, 'MAXLEN', '~', cap, '*', '_', ARGV[i])
  else
    ids[i - 1] = redis.call('XADD', stream, '*', '_', ARGV[i])
  end
end
return ids
