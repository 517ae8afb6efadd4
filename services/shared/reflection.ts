import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { repoRoot } from './repo-root.js';

const descriptorSets = ['gamepulse.binpb', 'health.binpb', 'reflection.binpb'];

/**
 * Adds grpc.reflection.v1 to a server, describing the given services. It serves the descriptors `buf build` wrote
 * at build time (gen/descriptors): the ones proto-loader rebuilds from its own definitions have no imports and
 * relative type names, which grpcurl cannot resolve for types from another file (google.protobuf.Timestamp).
 */
export function addReflection(server: Server, serviceNames: string[]): void {
  const fileDescriptorProtos = descriptorSets.flatMap((name) => {
    const set = fromBinary(FileDescriptorSetSchema, readFileSync(join(repoRoot(), 'gen', 'descriptors', name)));
    return set.file.map((file) => Buffer.from(toBinary(FileDescriptorProtoSchema, file)));
  });
  const definition = { descriptors: { fileDescriptorProtos } } as unknown as PackageDefinition;
  new ReflectionService(definition, { services: serviceNames }).addToServer(server);
}
