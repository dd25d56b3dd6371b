-- Tells which of several keys exist, in one round trip.
-- KEYS: the keys (a cluster needs them in one slot)
-- ARGV: none
-- Reply: one integer per key, in KEYS order: 1 when it exists, 0 when not
local result = {}
for i, key in ipairs(KEYS) do
  result[i] = redis.call('EXISTS', key)
end
return result
