-- getOrSet: returns the cached value, or gives the caller the lease to load it.
-- KEYS[1]: the value key; KEYS[2]: its lease key; KEYS[3]: its loader-error key (same slot)
-- ARGV[1]: the caller's lease token; ARGV[2]: lease time in ms;
--   ARGV[3]: token of the load the caller waits for ('' when none)
-- Reply: {0, value} when the key holds a value; {1} when the caller took the lease;
--   {2, message} when the load the caller waited for failed;
--   {3, holder token, lease ms left} while another caller holds the lease
local value = redis.call('GET', KEYS[1])
if value then return {0, value} end
if ARGV[3] ~= '' then
  local failed = redis.call('GET', KEYS[3])
  if failed then
    local sep = string.find(failed, ':', 1, true)
    if sep and string.sub(failed, 1, sep - 1) == ARGV[3] then
      return {2, string.sub(failed, sep + 1)}
    end
  end
end
local holder = redis.call('GET', KEYS[2])
if holder then return {3, holder, redis.call('PTTL', KEYS[2])} end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return {1}
