-- Extends the time to live of lock keys, only if one owner holds all of them.
-- KEYS: the lock keys
-- ARGV[1]: the owner's identifier
-- ARGV[2]: the new time to live in ms, from now (the server's clock)
-- Reply: {1, now} when every key was renewed, now being the server time in ms (TIME)
--        {0, index} when KEYS[index] is not held by ARGV[1]: nothing was changed
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) ~= ARGV[1] then
    return {0, i}
  end
end
for _, key in ipairs(KEYS) do
  redis.call('PEXPIRE', key, ARGV[2])
end
local time = redis.call('TIME')
return {1, tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)}
