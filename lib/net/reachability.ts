import 'server-only';
import dns from 'node:dns/promises';
import net from 'node:net';
import { parseAddressPort } from '@/lib/inventory/rules';

export type PortResult = { port: number; status: 'open' | 'refused' | 'timeout' | 'error'; detail?: string };
export type HostCheck =
  | { host: string; target: string; status: 'unresolved'; message: string }
  | { host: string; target: string; status: 'checked'; addresses: string[]; ports: PortResult[] };

/**
 * Resolves a host (or its "connect to" override) and tries a TCP connection to each port, all
 * within one overall time limit, so an unreachable host never holds the form up for long.
 */
export async function checkHost(
  host: string,
  ports: { port: number; override?: string }[],
  limitMs = 3000,
): Promise<HostCheck[]> {
  const deadline = Date.now() + limitMs;
  return Promise.all(
    ports.map(async ({ port, override }) => {
      const o = override ? parseAddressPort(override) : null;
      const target = o ? o.host : host;
      const targetPort = o ? o.port : port;
      const label = `${target}:${targetPort}`;
      let addresses: string[];
      try {
        addresses = (await withTimeout(dns.lookup(target, { all: true }), deadline - Date.now())).map((a) => a.address);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const message =
          code === 'ENOTFOUND' || code === 'EAI_AGAIN'
            ? `${target} is not known to DNS`
            : code === 'ETIMEDOUT'
              ? `Looking up ${target} took longer than ${limitMs / 1000} s`
              : `Looking up ${target} failed (${code ?? 'error'})`;
        return { host, target: label, status: 'unresolved' as const, message };
      }
      const first = addresses[0]!;
      return { host, target: label, status: 'checked' as const, addresses, ports: [await tryConnect(first, targetPort, deadline)] };
    }),
  );
}

function tryConnect(address: string, port: number, deadline: number): Promise<PortResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    const done = (r: PortResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ port, status: 'timeout' }), Math.max(0, deadline - Date.now()));
    socket.once('connect', () => done({ port, status: 'open' }));
    socket.once('error', (e: NodeJS.ErrnoException) =>
      done({ port, status: e.code === 'ECONNREFUSED' ? 'refused' : 'error', detail: e.code }),
    );
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), Math.max(0, ms));
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e)),
    );
  });
}
