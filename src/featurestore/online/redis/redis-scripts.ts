/**
 * @module featurestore/online/redis/redis-scripts
 * The Lua scripts of the Redis online store. Each runs atomically on the server, so the event-time rule
 * holds against any number of concurrent writers. A record is one string `[eventTimeMs,expiresAtMs|null,0|1,{values}]`
 * (the JSON the adapter writes); scripts read only its first 64 bytes (`GETRANGE`), which always hold the
 * two numbers and the soft-delete flag, so large records are never copied into Lua.
 *
 * Every key a script touches is passed in KEYS (the record keys, the group's id index, the group registry).
 */

/** Parses the header of a stored record: event time, expiry ('null' or digits) and the soft-delete flag ('0'/'1'). */
const PARSE_HEAD = `
local function parse(head)
  local c1 = string.find(head, ',', 2, true)
  local c2 = string.find(head, ',', c1 + 1, true)
  return tonumber(string.sub(head, 2, c1 - 1)), string.sub(head, c1 + 1, c2 - 1), string.sub(head, c2 + 1, c2 + 1)
end
local function live(x, now)
  return x == 'null' or tonumber(x) > now
end
`;

/**
 * Conditional writes, in order. KEYS: registry, index, then one record key per write. ARGV: now, group,
 * the byte length of the record keys' prefix (the record id follows it), then one encoded record per write.
 * Returns one character per write: '1' applied, '0' stale. An applied write that is already expired deletes
 * the record instead; a later expiry is a PXAT on the key, rounded up so Redis never drops a record before
 * the store would call it expired. A key that exists is already in the index, so only new keys are added.
 */
export const WRITE_LUA = `${PARSE_HEAD}
local now = tonumber(ARGV[1])
local idFrom = tonumber(ARGV[3]) + 1
local index = KEYS[2]
local flags = {}
local n = #KEYS - 2
for i = 1, n do
  local key = KEYS[i + 2]
  local payload = ARGV[i + 3]
  local e, x = parse(payload)
  local head = redis.call('GETRANGE', key, 0, 63)
  local applied = true
  local stored = head ~= ''
  if stored then
    local he, hx = parse(head)
    if live(hx, now) and e < he then applied = false end
  end
  if applied then
    if x == 'null' then
      redis.call('SET', key, payload)
      if not stored then redis.call('ZADD', index, 0, string.sub(key, idFrom)) end
    elseif tonumber(x) > now then
      redis.call('SET', key, payload, 'PXAT', string.format('%.0f', math.ceil(tonumber(x))))
      if not stored then redis.call('ZADD', index, 0, string.sub(key, idFrom)) end
    elseif stored then
      redis.call('DEL', key)
      redis.call('ZREM', index, string.sub(key, idFrom))
    end
    flags[i] = '1'
  else
    flags[i] = '0'
  end
end
if n > 0 then redis.call('SADD', KEYS[1], ARGV[2]) end
return table.concat(flags)
`;

/**
 * Soft or hard delete. KEYS: index, record key. ARGV: now, delete event time, '1' for hard, record id.
 * Returns 0 absent (or expired), 1 stale, 2 deleted. A soft delete keeps the key's expiry (KEEPTTL).
 */
export const DELETE_LUA = `${PARSE_HEAD}
local head = redis.call('GETRANGE', KEYS[2], 0, 63)
if head == '' then return 0 end
local he, hx = parse(head)
if not live(hx, tonumber(ARGV[1])) then return 0 end
if tonumber(ARGV[2]) <= he then return 1 end
if ARGV[3] == '1' then
  redis.call('DEL', KEYS[2])
  redis.call('ZREM', KEYS[1], ARGV[4])
else
  redis.call('SET', KEYS[2], '[' .. ARGV[2] .. ',' .. hx .. ',1,{}]', 'KEEPTTL')
end
return 2
`;

/** Which record keys are listable. KEYS: record keys. ARGV: now, '1' to include soft-deleted. Returns '1'/'0' per key. */
export const LISTABLE_LUA = `${PARSE_HEAD}
local now = tonumber(ARGV[1])
local out = {}
for i = 1, #KEYS do
  local head = redis.call('GETRANGE', KEYS[i], 0, 63)
  local ok = '0'
  if head ~= '' then
    local _, hx, d = parse(head)
    if live(hx, now) and (d == '0' or ARGV[2] == '1') then ok = '1' end
  end
  out[i] = ok
end
return table.concat(out)
`;

/**
 * Removes expired records and the index entries of keys Redis already expired. KEYS: registry, index,
 * record keys. ARGV: now, group, record ids. Returns how many records it deleted itself.
 */
export const PURGE_LUA = `${PARSE_HEAD}
local now = tonumber(ARGV[1])
local removed = 0
for i = 3, #KEYS do
  local head = redis.call('GETRANGE', KEYS[i], 0, 63)
  if head == '' then
    redis.call('ZREM', KEYS[2], ARGV[i])
  else
    local _, hx = parse(head)
    if not live(hx, now) then
      redis.call('UNLINK', KEYS[i])
      redis.call('ZREM', KEYS[2], ARGV[i])
      removed = removed + 1
    end
  end
end
if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('SREM', KEYS[1], ARGV[2]) end
return removed
`;

/** Drops records of a group. KEYS: registry, index, record keys. ARGV: group, record ids. */
export const DROP_LUA = `
for i = 3, #KEYS do
  redis.call('UNLINK', KEYS[i])
  redis.call('ZREM', KEYS[2], ARGV[i - 1])
end
if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('SREM', KEYS[1], ARGV[1]) end
return #KEYS - 2
`;
