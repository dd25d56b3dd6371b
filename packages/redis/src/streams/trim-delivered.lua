-- Trim-delivered: removes the entries of a stream that every consumer group has received and
-- acknowledged. For each group the first entry still needed is its oldest pending entry
-- (XPENDING), or, with nothing pending, its last delivered entry (kept, so the bound never
-- passes an entry a group has not seen). Entries below the smallest of these are removed
-- (XTRIM MINID, exact). Atomic: no group can move between the check and the trim.
-- KEYS[1] the stream
-- ARGV none
-- Reply: {minId, removed}: the bound used and the number of entries removed; {'', 0} when the
--        stream or its groups do not exist, or a group has not read anything yet
local groups = redis.pcall('XINFO', 'GROUPS', KEYS[1])
if type(groups) ~= 'table' or groups.err ~= nil or #groups == 0 then
  return {'', 0}
end

local function split(id)
  local dash = string.find(id, '-', 1, true)
  return string.sub(id, 1, dash - 1), string.sub(id, dash + 1)
end

-- Decimal strings without leading zeros: shorter is smaller, else compare as text.
local function lessDecimal(a, b)
  if #a ~= #b then
    return #a < #b
  end
  return a < b
end

local function lessId(x, y)
  local xm, xs = split(x)
  local ym, ys = split(y)
  if xm ~= ym then
    return lessDecimal(xm, ym)
  end
  return lessDecimal(xs, ys)
end

local bound = nil
for _, info in ipairs(groups) do
  local name, pending, last
  for k = 1, #info, 2 do
    local field = info[k]
    if field == 'name' then
      name = info[k + 1]
    elseif field == 'pending' then
      pending = info[k + 1]
    elseif field == 'last-delivered-id' then
      last = info[k + 1]
    end
  end
  local keep = last
  if pending > 0 then
    keep = redis.call('XPENDING', KEYS[1], name)[2]
  end
  if bound == nil or lessId(keep, bound) then
    bound = keep
  end
end

if bound == nil or bound == '0-0' then
  return {'', 0}
end
return {bound, redis.call('XTRIM', KEYS[1], 'MINID', bound)}
