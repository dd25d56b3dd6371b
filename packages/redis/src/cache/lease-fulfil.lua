-- getOrSet: stores the loaded value, ends the caller's lease and notifies the waiters.
-- KEYS[1]: the value key; KEYS[2]: its lease key; KEYS[3]: its loader-error key (same slot)
-- ARGV[1]: the caller's lease token; ARGV[2]: the encoded value; ARGV[3]: time to live in ms
--   (0: none); ARGV[4]: the notification channel
-- Reply: 1 when the lease was still the caller's, 0 when it had run out (the value is stored anyway)
if tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[2])
end
redis.call('DEL', KEYS[3])
local owned = 0
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('DEL', KEYS[2])
  owned = 1
end
redis.call('PUBLISH', ARGV[4], KEYS[1])
return owned
