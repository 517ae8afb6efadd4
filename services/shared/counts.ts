/** Counts by name added up over several maps (per hour, per shard, ...). */
export function addCounts(parts: Iterable<Map<string, number>>): Map<string, number> {
  const totals = new Map<string, number>();
  for (const part of parts) for (const [name, n] of part) totals.set(name, (totals.get(name) ?? 0) + n);
  return totals;
}
