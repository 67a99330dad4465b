// The run's key claims (runKeys.claims: record key → where the first record with it is, `gen-6.md`,
// `kb.jsonl:3`), first come, first served in read order: the plan job claims every record's key as it
// streams the local store, and reports a later record with a claimed key; the batches read the claims
// again to leave such records out of a JSONL range.
// One chunk of records is claimed by one script: before, it was a MULTI of one HSETNX a record, then an
// HMGET — ioredis built a command object for each record and Redis parsed each one, a cost every night
// pays for every entity.

import type { Redis } from 'ioredis';
import { recordLocation } from '../local/read/plan.js';
import type { LocalSource } from '../local/read/source.js';
import type { LocalRecord } from '../model/record.js';
import { TTL } from '../redis-keys.js';

/**
 * KEYS[1]: the claims hash. ARGV: its lifetime (s), then key and location pairs. Claims each key not
 * claimed yet, in order; returns, for each pair, the location that owns its key (its own, or an
 * earlier record's: of a claim before, or of a pair before it in ARGV).
 */
const CLAIM = `
local owners = {}
for i = 2, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
    owners[#owners + 1] = ARGV[i + 1]
  else
    owners[#owners + 1] = redis.call('HGET', KEYS[1], ARGV[i])
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return owners
`;

interface ClaimCommand {
  factsyncClaimKeys(hash: string, ...args: Array<string | number>): Promise<string[]>;
}

/** The script as a Redis command (sent once, then called by its SHA). */
function withClaimCommand(redis: Redis): Redis & ClaimCommand {
  if (!('factsyncClaimKeys' in redis))
    redis.defineCommand('factsyncClaimKeys', { numberOfKeys: 1, lua: CLAIM });
  return redis as Redis & ClaimCommand;
}

/**
 * Claims the records' keys in `hash`, in order; returns, for each record, the location of the earlier
 * record that has its key, or undefined when the key is its own.
 */
export async function claimKeys(
  redis: Redis,
  hash: string,
  source: Pick<LocalSource, 'path'>,
  records: ReadonlyArray<Pick<LocalRecord, 'key' | 'file' | 'line'>>,
): Promise<Array<string | undefined>> {
  if (records.length === 0) return [];
  const locations = records.map((record) => recordLocation(source, record));
  const args: Array<string | number> = [TTL.run];
  for (const [index, record] of records.entries()) args.push(record.key, locations[index] as string);
  const owners = await withClaimCommand(redis).factsyncClaimKeys(hash, ...args);
  return owners.map((owner, index) => (owner === locations[index] ? undefined : owner));
}
