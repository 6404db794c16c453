// The internal API the simulated Windows commands call: loopback HTTP, one bearer token per lab
// run, addressed per host (`POST /hosts/<HOST>/ops/<op>` with `{ args, session }`). Replies are
// always JSON: `{ ok: true, result }`, or `{ ok: false, error }` for a Windows error the module
// turns into an ErrorRecord. It is not the control API: nothing here resets or breaks the lab.

import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { ZodError } from 'zod';

import { WinError, WIN32 } from './errors';
import { OPS } from './ops';
import type { SessionInfo } from './roles';
import type { WindowsState } from './state';

export interface WindowsApi {
  readonly server: http.Server;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly token: string;
  close(): Promise<void>;
}

const ROUTE = /^\/hosts\/([^/]+)\/ops\/([^/]+)$/;

export function windowsApiHandler(state: WindowsState, token: string): http.RequestListener {
  const expected = Buffer.from(`Bearer ${token}`);
  return async (req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    };
    const auth = Buffer.from(req.headers.authorization ?? '');
    if (auth.length !== expected.length || !crypto.timingSafeEqual(auth, expected)) return reply(401, { ok: false, error: { message: 'Bearer token required' } });
    const m = ROUTE.exec(new URL(req.url ?? '/', 'http://lab').pathname);
    if (req.method !== 'POST' || !m) return reply(404, { ok: false, error: { message: `No route ${req.method} ${req.url}` } });
    const host = decodeURIComponent(m[1] ?? '');
    const opName = decodeURIComponent(m[2] ?? '');
    const op = OPS[opName];
    if (!op) return reply(404, { ok: false, error: { message: `No operation ${opName}` } });
    let raw = '';
    for await (const chunk of req) raw += chunk;
    try {
      const body = (raw ? JSON.parse(raw) : {}) as { args?: unknown; session?: Partial<SessionInfo> };
      const h = state.store.requireHost(host);
      if (!h.up) throw new WinError(WIN32[1722], { id: 'LabHostDown', category: 'ConnectionError', exception: 'Win32Exception', code: 1722, target: h.name });
      const session: SessionInfo = { remote: body.session?.remote === true, auth: body.session?.auth ?? 'local' };
      const result = await op({ state, host: h.name, session }, body.args ?? {});
      // What a service change set off elsewhere in the lab (a SQL instance stopping or starting)
      // is done before the cmdlet returns, as SCM answers once the service reached its state.
      await state.store.settled();
      reply(200, { ok: true, result: result ?? null });
    } catch (e) {
      await state.store.settled().catch(() => undefined);
      if (e instanceof WinError) return reply(200, { ok: false, error: e.toJSON() });
      if (e instanceof ZodError) return reply(400, { ok: false, error: { message: `Bad arguments for ${opName}: ${e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` } });
      reply(500, { ok: false, error: { message: e instanceof Error ? e.message : String(e) } });
    }
  };
}

/** Starts the internal API on a free loopback port. */
export async function createWindowsApi(state: WindowsState, options: { token?: string; port?: number } = {}): Promise<WindowsApi> {
  const token = options.token ?? crypto.randomBytes(24).toString('base64url');
  const server = http.createServer(windowsApiHandler(state, token));
  // Scripts make many small calls over one keep-alive connection each.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
