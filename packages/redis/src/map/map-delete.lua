-- Deletes one entry of a RedisMap and, when it existed and a channel is given, publishes the
-- change notification.
-- KEYS[1]: the map's hash
-- ARGV[1]: the entry's key (hash field)
-- ARGV[2]: the notification channel, or '' for none
-- ARGV[3]: the notification message (msgpack)
-- Reply: 1 when the entry existed, else 0
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
if removed == 1 and ARGV[2] ~= '' then
  redis.call('PUBLISH', ARGV[2], ARGV[3])
end
return removed
