-- Moves stream entries to the dead-letter stream and acknowledges them, atomically: an entry is
-- copied only if this XACK removed it from the group's pending list, so an entry another
-- consumer already acknowledged is never dead-lettered, and none is dead-lettered twice.
-- KEYS[1] the stream
-- KEYS[2] its dead-letter stream (same cluster slot)
-- ARGV[1] the consumer group; then, per entry: its id, the number n of field/value pairs of the
--         dead-letter entry, and those 2n values
-- Reply: the number of entries moved
local group = ARGV[1]
local i = 2
local moved = 0
while i <= #ARGV do
  local id = ARGV[i]
  local n = tonumber(ARGV[i + 1])
  local fields = {}
  for j = 1, 2 * n do
    fields[j] = ARGV[i + 1 + j]
  end
  i = i + 2 + 2 * n
  if redis.call('XACK', KEYS[1], group, id) == 1 then
    redis.call('XADD', KEYS[2], '*', unpack(fields))
    moved = moved + 1
  end
end
return moved
