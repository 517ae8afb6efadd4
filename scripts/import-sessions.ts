// npm run import:sessions -- <file.jsonl | .jsonl.gz | .jsonl.bz2> [--ingest 127.0.0.1:50051] [--batch 500] [--concurrency 4]
// Streams a file of the original session format through the ingest service (the same validation and write path
// as every other caller), in constant memory, with progress and a summary of what was accepted and rejected.
import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { ClientError, Status } from 'nice-grpc';
import { EventOutcome } from '../gen/ts-proto/gamepulse/common/v1/event_result.js';
import { IngestServiceDefinition, type Event } from '../gen/ts-proto/gamepulse/ingest/v1/ingest.js';
import { convertSessionEvent } from '../services/gateway/compat/session-events.js';
import { MAX_BATCH } from '../services/shared/batch.js';
import { loadConfig } from '../services/shared/config.js';
import { createServiceClient } from '../services/shared/grpc-client.js';
import { ImportTally } from './sessions/import-tally.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    ingest: { type: 'string', default: loadConfig().services.ingest.address },
    batch: { type: 'string', default: String(MAX_BATCH) },
    concurrency: { type: 'string', default: '4' },
  },
});
const file = positionals[0];
if (!file || !existsSync(file)) {
  console.error('usage: npm run import:sessions -- <file.jsonl | .jsonl.gz | .jsonl.bz2> [--ingest host:port]');
  process.exit(2);
}
const batchSize = Math.min(MAX_BATCH, Math.max(1, Number(values.batch)));
const concurrency = Math.max(1, Number(values.concurrency));

const ingest = createServiceClient(IngestServiceDefinition, values.ingest);
const tally = new ImportTally();

/** Sends one batch, retrying while ingest is unreachable; every event in it ends up counted. */
async function send(batch: Event[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { results } = await ingest.ingestEvents({ events: batch }, { deadline: 60_000 });
      for (const result of results) {
        if (result.outcome === EventOutcome.EVENT_OUTCOME_ACCEPTED) tally.accepted++;
        else if (result.outcome === EventOutcome.EVENT_OUTCOME_DUPLICATE) tally.duplicates++;
        else tally.reject(result.reason);
      }
      return;
    } catch (error) {
      const retriable = error instanceof ClientError && [Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED].includes(error.code);
      if (!retriable || attempt >= 6) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
    }
  }
}

function open(path: string): Readable {
  if (path.endsWith('.gz')) return createReadStream(path).pipe(createGunzip());
  if (path.endsWith('.bz2')) {
    const bunzip = spawn('bzip2', ['-dc', path], { stdio: ['ignore', 'pipe', 'inherit'] });
    return bunzip.stdout;
  }
  return createReadStream(path);
}

const inFlight = new Set<Promise<void>>();
let batch: Event[] = [];
const flush = async () => {
  const sending = send(batch).finally(() => inFlight.delete(sending));
  inFlight.add(sending);
  batch = [];
  // Backpressure: reading waits while as many batches as allowed are in flight, so memory stays constant.
  if (inFlight.size >= concurrency) await Promise.race(inFlight);
};

console.log(`importing ${file} through ingest at ${values.ingest} (batches of ${batchSize}, ${concurrency} in flight)`);
const progress = setInterval(() => console.log(`  ${tally.progressLine()}`), 2000);
try {
  for await (const line of createInterface({ input: open(file), crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    tally.lines++;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      tally.reject('line: malformed JSON');
      continue;
    }
    const converted = convertSessionEvent(value);
    if ('problem' in converted) {
      tally.reject(`${converted.problem.field}: ${converted.problem.rule}`);
      continue;
    }
    batch.push(converted.event);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length) await flush();
  await Promise.all(inFlight);
} finally {
  clearInterval(progress);
  ingest.close();
}
console.log(tally.summary());
