-- Removes every entry of a RedisMap at once and, when a channel is given, publishes the change
-- notification (also for an empty map).
-- KEYS[1]: the map's hash
-- ARGV[1]: the notification channel, or '' for none
-- ARGV[2]: the notification message (msgpack)
-- Reply: the number of entries removed
local count = redis.call('HLEN', KEYS[1])
if count > 0 then
  redis.call('UNLINK', KEYS[1])
end
if ARGV[1] ~= '' then
  redis.call('PUBLISH', ARGV[1], ARGV[2])
end
return count
