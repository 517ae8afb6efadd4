import { ServerError, Status, type TsProtoServiceDefinition } from 'nice-grpc';

/**
 * Every RPC of a service answering UNIMPLEMENTED, for tests that host a service with only the methods they need:
 * spread it first, then the methods under test.
 */
export function unimplemented<D extends TsProtoServiceDefinition>(definition: D): Record<keyof D['methods'], () => never> {
  const refuse = (key: string) => () => {
    const method = (definition.methods as Record<string, { name: string }>)[key].name;
    throw new ServerError(Status.UNIMPLEMENTED, `${definition.fullName}.${method} is not implemented here`);
  };
  return Object.fromEntries(Object.keys(definition.methods).map((name) => [name, refuse(name)])) as Record<keyof D['methods'], () => never>;
}
