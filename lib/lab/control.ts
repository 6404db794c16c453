import crypto from 'node:crypto';
import http from 'node:http';

export type ControlRoute = (body: Record<string, unknown>, params: Record<string, string>) => Promise<unknown> | unknown;

export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The lab's control API: JSON over HTTP on loopback, each request carrying the run's bearer
 * token. Routes are "METHOD /path/:param".
 */
export function startControlServer(token: string, routes: Record<string, ControlRoute>, port = 0): Promise<http.Server> {
  const compiled = Object.entries(routes).map(([key, fn]) => {
    const [method, pattern] = key.split(' ') as [string, string];
    const names: string[] = [];
    const re = new RegExp(`^${pattern.replace(/:([a-zA-Z]+)/g, (_m, n: string) => (names.push(n), '([^/]+)'))}$`);
    return { method, re, names, fn };
  });
  const expected = Buffer.from(`Bearer ${token}`);
  const server = http.createServer(async (req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const auth = Buffer.from(req.headers.authorization ?? '');
    if (auth.length !== expected.length || !crypto.timingSafeEqual(auth, expected)) return reply(401, { error: 'Bearer token required' });
    const url = new URL(req.url ?? '/', 'http://lab');
    const route = compiled.find((r) => r.method === req.method && r.re.test(url.pathname));
    if (!route) return reply(404, { error: `No route ${req.method} ${url.pathname}` });
    const m = route.re.exec(url.pathname)!;
    const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]));
    let raw = '';
    for await (const chunk of req) raw += chunk;
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return reply(400, { error: 'The body is not JSON' });
    }
    try {
      reply(200, (await route.fn(body, params)) ?? { ok: true });
    } catch (e) {
      reply(e instanceof ControlError ? e.status : 500, { error: e instanceof Error ? e.message : String(e) });
    }
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
