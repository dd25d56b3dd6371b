-- Extends the time to live of lock keys, only if one owner holds all of them.
-- KEYS: the lock keys
-- ARGV[1]: the owner's identifier
-- ARGV[2]: the new time to live in ms, from now (the server's clock)
-- Reply: 0 when every key was renewed
--        index when KEYS[index] is not held by ARGV[1]: nothing was changed
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) ~= ARGV[1] then
    return i
  end
end
for _, key in ipairs(KEYS) do
  redis.call('PEXPIRE', key, ARGV[2])
end
return 0
