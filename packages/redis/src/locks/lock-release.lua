-- Releases the lock keys held by one owner and announces each release.
-- KEYS: the lock keys
-- ARGV[1]: the owner's identifier
-- ARGV[2]: channel prefix; each released key is announced with PUBLISH <prefix><key> ARGV[1]
-- Reply: the 1-based indexes of the KEYS not held by ARGV[1] (left as they are); empty when
--        every key was released
local missing = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('DEL', key)
    redis.call('PUBLISH', ARGV[2] .. key, ARGV[1])
  else
    missing[#missing + 1] = i
  end
end
return missing
