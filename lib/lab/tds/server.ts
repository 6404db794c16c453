/** The lab's TDS listener: accepts TCP connections and runs one TdsConnection per client. */

import * as net from 'node:net';
import { once } from 'node:events';
import { TdsConnection } from './connection';
import type { ConnectionShared } from './connection';
import { DescriptorSource } from './session';
import { createTdsSecureContext } from './tls';
import type { SqlServerVersion, TdsServer, TdsServerOptions } from './types';

/** SQL Server 2022 CU (16.0.4135.4); what the lab reports unless told otherwise. */
export const DEFAULT_VERSION: SqlServerVersion = { major: 16, minor: 0, build: 4135, revision: 4 };

export function parseVersion(v: SqlServerVersion | string | undefined): SqlServerVersion {
  if (v === undefined) return DEFAULT_VERSION;
  if (typeof v !== 'string') return v;
  const parts = v.split('.').map((p) => Number(p));
  const [major, minor = 0, build = 0, revision = 0] = parts;
  if (major === undefined || parts.some((p) => !Number.isInteger(p) || p < 0))
    throw new RangeError(`bad SQL Server version '${v}'`);
  if (major > 255 || minor > 255 || build > 0xffff || revision > 0xffff)
    throw new RangeError(`SQL Server version out of range '${v}'`);
  return { major, minor, build, revision };
}

export async function createTdsServer<TContext = unknown>(
  options: TdsServerOptions<TContext>,
): Promise<TdsServer> {
  const shared: ConnectionShared<TContext> = {
    options,
    version: parseVersion(options.version),
    secureContext: options.tls
      ? createTdsSecureContext(options.tls.cert, options.tls.key)
      : undefined,
    descriptors: new DescriptorSource(),
  };
  const connections = new Set<TdsConnection<TContext>>();
  let nextSpid = options.firstSpid ?? 51;

  const server = net.createServer((socket) => {
    const spid = nextSpid;
    // Session ids are u16 on the wire; wrap well before that, skipping system ids.
    nextSpid = nextSpid >= 32_000 ? 51 : nextSpid + 1;
    const connection = new TdsConnection(socket, spid, shared);
    connections.add(connection);
    socket.once('close', () => connections.delete(connection));
  });
  server.on('error', (err) => options.onError?.(err, 'listener'));

  const host = options.host ?? '127.0.0.1';
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('TDS server has no TCP address');

  return {
    host,
    port: address.port,
    get connectionCount() {
      return connections.size;
    },
    dropSessions(match) {
      let n = 0;
      for (const c of connections) {
        const context = c.sessionContext;
        if (context !== undefined && match(context)) {
          c.destroy();
          n++;
        }
      }
      return n;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of connections) c.destroy();
      await closed;
    },
  };
}
