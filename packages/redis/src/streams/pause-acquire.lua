-- Takes (or, for its owner, extends) the pause lock of a topic stream.
-- KEYS[1] the pause lock key
-- ARGV[1] the owner's identifier
-- ARGV[2] time to live in ms
-- Reply: 1 when the caller holds the lock now, 0 when another owner holds it
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
