-- getOrSet: records that the caller's loader failed, ends its lease and notifies the waiters,
-- which then read the error (only the callers that waited for this lease get it).
-- KEYS[1]: the value key; KEYS[2]: its lease key; KEYS[3]: its loader-error key (same slot)
-- ARGV[1]: the caller's lease token; ARGV[2]: the error message; ARGV[3]: how long to keep the
--   error, in ms; ARGV[4]: the notification channel
-- Reply: 1 when the lease was still the caller's, else 0
redis.call('SET', KEYS[3], ARGV[1] .. ':' .. ARGV[2], 'PX', ARGV[3])
local owned = 0
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('DEL', KEYS[2])
  owned = 1
end
redis.call('PUBLISH', ARGV[4], KEYS[1])
return owned
