/**
 * The Redis ladder's Lua scripts. Each user has four keys sharing one hash tag (one cluster slot):
 * `…:z` a sorted set of strikes (score = time in ms, member = `sequence:-` without evidence or
 * `sequence:+ref` with it; the zero-padded sequence, from INCR on `…:n`, makes every member unique and
 * keeps strikes of the same millisecond in arrival order), `…:c` a hash `{n, at}` of the
 * consecutive run (HSET / DEL), `…:x` a hash `{rank, until, reason}` of the sanction in force.
 * Expiry is decided against `now`; the TTLs (retention, run expiry, sanction length; none for
 * terminate) only reclaim memory.
 *
 * The clock is an argument (`now` in ms), so every instance and the tests decide with the same time and
 * the scripts are deterministic. `STRIKE_LUA` mirrors `decide()` in decide.ts step for step.
 * Levels travel as ranks: 0 none, 1 warn, 2 restrict, 3 suspend, 4 terminate.
 */

/** Shared: the sanction in force → rank, until (-1: permanent), reason. */
const SANCTION_IN_FORCE = `
local function num(x) return string.format('%.0f', x) end
local function sanction_in_force(key, now)
  local s = redis.call('HMGET', key, 'rank', 'until', 'reason')
  local rank = tonumber(s[1])
  if not rank then return 0, -1, '' end
  local untl = tonumber(s[2]) or -1
  if untl ~= -1 and untl <= now then return 0, -1, '' end
  return rank, untl, s[3] or ''
end

-- the consecutive run: its length, 0 once expireAfter has passed since its last strike
local function run_in_force(key, now, expire)
  local r = redis.call('HMGET', key, 'n', 'at')
  local n = tonumber(r[1])
  if not n then return 0 end
  if now - (tonumber(r[2]) or 0) >= expire then return 0 end
  return n
end
`;

/**
 * CHECK. KEYS: z, c, x. ARGV: now, consecutive expiry in ms (0: rule off), then each window's length in ms.
 * Returns { rank, until, reason, run, { counts… } }.
 */
export const CHECK_LUA = `${SANCTION_IN_FORCE}
local now = tonumber(ARGV[1])
local rank, untl, reason = sanction_in_force(KEYS[3], now)
local run = 0
if tonumber(ARGV[2]) > 0 then run = run_in_force(KEYS[2], now, tonumber(ARGV[2])) end
local counts = {}
for i = 3, #ARGV do
  counts[#counts + 1] = redis.call('ZCOUNT', KEYS[1], '(' .. num(now - tonumber(ARGV[i])), '+inf')
end
return { rank, untl, reason, run, counts }
`;

/**
 * STRIKE. KEYS: z, c, x, n.
 * ARGV: 1 now, 2 evidence tag (`-` none, `+ref`), 3 retention ms, 4 warnAt (0: off),
 *       5 consecutive count (0: off), 6 its rank, 7 its length ms, 8 its expiry ms, 9 its reason,
 *       10 number of windows, then per window (sorted shortest first): within, count, rank, length, reason.
 * Returns { stepRank, rank, until, reason, run, { counts… }, { evidence members… } }.
 */
export const STRIKE_LUA = `${SANCTION_IN_FORCE}
local now = tonumber(ARGV[1])
local retention = tonumber(ARGV[3])
local warnAt = tonumber(ARGV[4])
local cCount = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', num(now - retention))
local seq = redis.call('INCR', KEYS[4])
redis.call('PEXPIRE', KEYS[4], retention)
redis.call('ZADD', KEYS[1], ARGV[1], string.format('%015.0f', seq) .. ':' .. ARGV[2])
redis.call('PEXPIRE', KEYS[1], retention)
local run = 0
if cCount > 0 then
  local expire = tonumber(ARGV[8])
  run = run_in_force(KEYS[2], now, expire) + 1
  redis.call('HSET', KEYS[2], 'n', run, 'at', ARGV[1])
  redis.call('PEXPIRE', KEYS[2], expire)
end
local rank, untl, reason = sanction_in_force(KEYS[3], now)

local counts = {}
local best = nil
local function consider(r, len, kind, idx, why)
  if best == nil or r > best.rank or (r == best.rank and len > best.len) then
    best = { rank = r, len = len, kind = kind, idx = idx, why = why }
  end
end
if cCount > 0 and run >= cCount then
  consider(tonumber(ARGV[6]), tonumber(ARGV[7]), 'c', 0, ARGV[9])
end
local n = tonumber(ARGV[10])
for i = 1, n do
  local base = 10 + (i - 1) * 5
  local within = tonumber(ARGV[base + 1])
  local cnt = redis.call('ZCOUNT', KEYS[1], '(' .. num(now - within), '+inf')
  counts[i] = cnt
  if cnt >= tonumber(ARGV[base + 2]) then
    consider(tonumber(ARGV[base + 3]), tonumber(ARGV[base + 4]), 'w', within, ARGV[base + 5])
  end
end

local step = 0
local evidence = {}
if best ~= nil and best.rank > rank then
  rank = best.rank
  untl = now + best.len
  reason = best.why
  step = rank
  redis.call('DEL', KEYS[3])
  redis.call('HSET', KEYS[3], 'rank', rank, 'until', num(untl), 'reason', reason)
  redis.call('PEXPIRE', KEYS[3], best.len)
  if best.kind == 'c' then
    evidence = redis.call('ZRANGE', KEYS[1], -run, -1)
  else
    evidence = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. num(now - best.idx), '+inf')
  end
elseif rank == 0 and warnAt > 0 and n > 0 and counts[1] >= warnAt and counts[1] - 1 < warnAt then
  step = 1
end
return { step, rank, untl, reason, run, counts, evidence }
`;

/** TERMINATE. KEYS: x. ARGV: reason. A permanent sanction (no TTL). */
export const TERMINATE_LUA = `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'rank', 4, 'reason', ARGV[1])
return 1
`;
