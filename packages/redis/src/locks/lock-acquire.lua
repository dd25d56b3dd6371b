-- Acquires every lock key for one owner, or none of them, and hands out a fencing token.
-- KEYS: the lock keys K[1..n], then their fence-counter keys F[1..n] in the same order
--       (a cluster needs all of them in one slot)
-- ARGV[1]: the owner's identifier, stored as the value of every lock key
-- ARGV[2]: time to live in ms, set with PX (the server's clock)
-- Reply: the token (an integer >= 1) when acquired: 1 + the highest counter among F, stored
--        in every F (so it only grows per key)
--        {index, pttl} when K[index] is held by anyone (the same owner too): nothing was
--        written; pttl is its remaining time to live in ms (-1: it has none)
local n = #KEYS / 2
if n == 1 then
  -- one key: SET NX does the check and the write
  if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
    return redis.call('INCR', KEYS[2])
  end
  return {1, redis.call('PTTL', KEYS[1])}
end
for i = 1, n do
  local pttl = redis.call('PTTL', KEYS[i])
  if pttl ~= -2 then
    return {i, pttl}
  end
end
local token = 0
for i = n + 1, 2 * n do
  local value = redis.call('GET', KEYS[i])
  if value then
    local counter = tonumber(value)
    if counter == nil then
      return redis.error_reply('ERR fence counter ' .. KEYS[i] .. ' is not an integer')
    end
    if counter > token then
      token = counter
    end
  end
end
token = token + 1
for i = n + 1, 2 * n do
  redis.call('SET', KEYS[i], token)
end
for i = 1, n do
  redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2])
end
return token
