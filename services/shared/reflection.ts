import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo-root.js';

const descriptorSets = ['gamepulse.binpb', 'health.binpb', 'reflection.binpb'];

/**
 * The descriptors server reflection serves: the ones `buf build` wrote at build time (gen/descriptors) for our protos,
 * grpc.health.v1 and grpc.reflection.v1, with their imports, so that grpcurl resolves types from other files
 * (google.protobuf.Timestamp). Concatenated, the sets' encodings are one FileDescriptorSet holding every file.
 */
export function serviceDescriptors(): Buffer {
  return Buffer.concat(descriptorSets.map((name) => readFileSync(join(repoRoot(), 'gen', 'descriptors', name))));
}
