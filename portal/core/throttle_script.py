"""The cool-down's one round trip to Redis (`portal.core.throttling.Cooldown`), as a script:
atomic as the MULTI it replaced, and one reply to read instead of one per command (issue 10)."""

from typing import Any

# `Cooldown.attempt`'s and `Cooldown.check`'s round trip. KEYS = the budget's count (the turn's
# key when there is no budget), the turn, the tiers; ARGV[1] = the count's lifetime ("" with no
# budget), ARGV[2] = "take" (the turn) or "read" (`check`: whether the turn is free, untaken).
# Returns the count (-1 with no budget), 1 if the turn was taken (is free), the tiers' values.
_ACQUIRE_LUA = """
local count = -1
if ARGV[1] ~= '' then
  redis.call('SET', KEYS[1], 0, 'EX', ARGV[1], 'NX')
  count = redis.call('INCR', KEYS[1])
end
local taken = 0
if ARGV[2] == 'read' then
  if redis.call('EXISTS', KEYS[2]) == 0 then
    taken = 1
  end
elseif redis.call('SET', KEYS[2], 1, 'EX', 10, 'NX') then
  taken = 1
end
if #KEYS < 3 then
  return {count, taken}
end
return {count, taken, unpack(redis.call('MGET', unpack(KEYS, 3)))}
"""
_script: list[Any] = []


def acquire_script(client: Any) -> Any:
    """The script, registered once per process: called with a client, it sends its SHA (the
    source only the first time a server does not know it)."""
    if not _script:
        _script.append(client.register_script(_ACQUIRE_LUA))
    return _script[0]
