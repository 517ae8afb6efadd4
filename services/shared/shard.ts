/** A stable shard in [0, shards) for a key (FNV-1a), to spread one busy time bucket over several partitions. */
export function shardOf(key: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** [0, 1, …, shards − 1], for `shard IN ?` over every shard of a bucket. */
export function allShards(shards: number): number[] {
  return Array.from({ length: shards }, (_, shard) => shard);
}
