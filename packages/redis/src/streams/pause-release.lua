-- Releases the pause lock of a topic stream if the caller holds it.
-- KEYS[1] the pause lock key
-- ARGV[1] the owner's identifier
-- Reply: 1 when the lock was released, 0 when the caller did not hold it
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
