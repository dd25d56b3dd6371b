-- getOrSet: extends the caller's lease while its loader runs.
-- KEYS[1]: the lease key
-- ARGV[1]: the caller's lease token; ARGV[2]: lease time in ms
-- Reply: 1 when renewed, 0 when the lease is no longer the caller's
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
