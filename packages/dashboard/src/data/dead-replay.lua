-- Replays dead letters to their topic stream, each exactly once: an entry still in the
-- dead-letter stream is added to the topic stream with its original fields (the trailing
-- dead-letter fields _error, _id, _group, _consumer, _deliveries and _at removed) and deleted
-- from the dead-letter stream in the same atomic step. An entry already gone (replayed or
-- deleted by someone else) is skipped, so two replays of one entry add it once.
-- KEYS[1] the topic stream
-- KEYS[2] its dead-letter stream (same cluster slot)
-- ARGV the dead-letter entry ids
-- Reply: one item per id, in order: the new entry id in the topic stream; 0 when the id is not
--        in the dead-letter stream; -1 when the entry has no original field to replay (kept)
local dead = { _error = true, _id = true, _group = true, _consumer = true, _deliveries = true, _at = true }
local reply = {}
for i, id in ipairs(ARGV) do
  local found = redis.call('XRANGE', KEYS[2], id, id)
  if #found == 0 then
    reply[i] = 0
  else
    local fields = found[1][2]
    local n = #fields
    while n >= 2 and dead[fields[n - 1]] do
      n = n - 2
    end
    if n == 0 then
      reply[i] = -1
    else
      reply[i] = redis.call('XADD', KEYS[1], '*', unpack(fields, 1, n))
      redis.call('XDEL', KEYS[2], id)
    end
  end
end
return reply
