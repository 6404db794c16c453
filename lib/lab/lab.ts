import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import type http from 'node:http';
import path from 'node:path';
import { issueHostTls, loadOrCreateLabCa, type HostTls, type LabCa } from './ca';
import { ControlError, startControlServer, type ControlRoute } from './control';
import { dbaRoutes } from './dba';
import {
  openLabSql,
  LAB_SQL_LOGINS,
  SCENARIOS,
  toTdsAuthResult,
  WELL_KNOWN_ACCOUNTS,
  type LabSession,
  type LabSqlEngine,
  type ScenarioName,
  type WindowsNames,
} from './sql';
import { createTdsServer, type TdsServer, type TdsServerOptions } from './tds';
import { createWinrmServer, type WinrmServer } from './winrm';
import { startWindowsSide } from './windows-side';
import { windowsNames as hostWindowsNames } from './windows-sql-link';
import { LAB_ACCOUNTS } from './windows';
import { fqdn, LAB_DNS_DOMAIN, LAB_DOMAIN, labTopology, type LabEndpoints } from './topology';

export type LabOptions = {
  scenario: ScenarioName;
  stateDir: string;
  workers?: number;
  reset?: boolean;
  token: string;
  /** Instances that answer without TLS (ENCRYPT_NOT_SUP), to prove clients refuse them. */
  plaintextSql?: string[];
};

export type Lab = {
  endpoints: LabEndpoints;
  /** The current SQL state (replaced by a reset). */
  readonly engine: LabSqlEngine;
  close(): Promise<void>;
};

/** Injected trouble, set through the control API; the lab's "physics" stay as they are. */
type Faults = { latencyMs: number; failNext: Map<string, number> };
/** TDS requests (SQL batches and RPCs) and logins each endpoint answered, for GET /state. */
type TdsCounts = Map<string, { requests: number; logins: number }>;

export async function startLab(opts: LabOptions): Promise<Lab> {
  const { stateDir, scenario, token } = opts;
  const topology = labTopology(opts.workers ?? 1);
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const ca = await loadOrCreateLabCa(stateDir);
  const windowsPassword = loadOrCreateSecret(stateDir, 'windows-password');
  // The hosts resolve Windows names (Windows logins, SUSER_SID) on the Windows side, once it runs
  // (windows-sql-link.ts); until then only the well-known accounts.
  let hostNames: WindowsNames = () => WELL_KNOWN_ACCOUNTS;
  const windowsNames: WindowsNames = (host) => hostNames(host);
  // A holder, so a reset through the control API swaps the state under every endpoint.
  const ref = {
    engine: openLabSql(path.join(stateDir, 'lab.db'), { scenario, reset: opts.reset, windowsNames }),
  };
  const faults: Faults = { latencyMs: 0, failNext: new Map() };
  const tdsCounts: TdsCounts = new Map();
  // The same ports on every start, so a deployment that points at the lab keeps working.
  const ports = loadPorts(stateDir);

  const tls = async (names: string[]) => hostTls(stateDir, ca, names);
  // Key generation is the slow part of a first start: every host's certificate at once (the
  // thread pool makes them in parallel); later calls read them from the state folder.
  await Promise.all([...topology.masters, topology.listener, ...topology.workers].map((h) => tls([h, fqdn(h)])));
  const sqlServers = new Map<string, TdsServer>();
  const sqlPorts = new Map<string, number>();

  const startInstance = async (host: string) => {
    const hostTlsMaterial = await tls([host, fqdn(host)]);
    const server = await onPort(sqlPorts.get(host) ?? ports.get(`sql:${host}`), (p) =>
      createTdsServer(
        sqlOptions(
          host,
          opts.plaintextSql?.includes(host) ? undefined : hostTlsMaterial,
          p,
          instanceRoute(host),
          faults,
          ref,
          tdsCounts,
        ),
      ),
    );
    sqlServers.set(host, server);
    sqlPorts.set(host, server.port);
  };
  for (const host of topology.masters) await startInstance(host);

  // The listener answers on its own name and hands each new login to the current primary.
  const listenerTls = await tls([topology.listener, fqdn(topology.listener)]);
  const listenerServer = await onPort(ports.get(`listener:${topology.listener}`), (p) =>
    createTdsServer(
      sqlOptions(
        topology.listener,
        listenerTls,
        p,
        listenerRoute(ref, topology.listener),
        faults,
        ref,
        tdsCounts,
      ),
    ),
  );

  // A failover ends the connections it affects, as SQL Server does ("existing connections to the
  // listener are disconnected"): those that came through the listener (routed to the old
  // primary), and on the old primary those whose database is in the group, now a secondary.
  const endConnectionsOnRoleChange = (engine: EngineRef['engine']) =>
    engine.onRoleChange((e) => {
      const from = e.from?.toUpperCase();
      if (!from) return;
      const inGroup = new Set(e.databases.map((d) => d.toUpperCase()));
      listenerServer.dropSessions((c) => (c as LabSession | undefined)?.instance?.toUpperCase() === from);
      [...sqlServers].find(([h]) => h.toUpperCase() === from)?.[1].dropSessions((c) => inGroup.has((c as LabSession | undefined)?.database?.toUpperCase() ?? ''));
    });
  endConnectionsOnRoleChange(ref.engine);

  // A SQL instance's endpoint follows its MSSQLSERVER service (windows-sql-link.ts): closed when
  // it stops (every connection to it dropped, those routed through the listener too), listening
  // again on the same port when it starts. One change at a time per host, in order.
  const endpointChanges = new Map<string, Promise<void>>();
  const sqlEndpoint = (host: string, running: boolean): Promise<void> => {
    const next = (endpointChanges.get(host) ?? Promise.resolve()).then(async () => {
      if (running) {
        if (!sqlServers.has(host) && sqlPorts.has(host)) await startInstance(host);
        return;
      }
      listenerServer.dropSessions((c) => (c as LabSession | undefined)?.instance?.toUpperCase() === host.toUpperCase());
      const s = sqlServers.get(host);
      if (!s) return;
      sqlServers.delete(host);
      await s.close();
    });
    endpointChanges.set(host, next.catch(() => undefined));
    return next;
  };

  // Each host runs scripts in real PowerShell 7 with the simulated Windows commands loaded; the
  // physics (master endpoint, worker heartbeats) join the Windows and SQL states.
  const windows = await startWindowsSide({
    stateDir,
    scenario,
    reset: opts.reset,
    hosts: [...topology.masters, ...topology.workers],
    workers: topology.workers,
    pwshPath: findPwsh(),
    sql: () => ref.engine,
    sqlEndpoint,
    masterDnsName: topology.masterDns,
    masterPort: ports.get('master-endpoint') || undefined,
    accounts: [{ domain: LAB_DOMAIN, name: 'wizard', password: windowsPassword }],
  });
  hostNames = hostWindowsNames(windows.state.store);
  const winrmServers = new Map<string, WinrmServer>();
  for (const host of [...topology.masters, ...topology.workers]) {
    const t = await tls([host, fqdn(host)]);
    winrmServers.set(
      host,
      await onPort(ports.get(`winrm-https:${host}`), (p) =>
        createWinrmServer({
          hostName: host,
          domainName: LAB_DOMAIN,
          dnsDomainName: LAB_DNS_DOMAIN,
          https: { host: '127.0.0.1', port: p, cert: t.cert, key: t.key },
          // Both ports are remembered together; a clash on either starts both afresh.
          http: { host: '127.0.0.1', port: p === 0 ? 0 : ports.get(`winrm-http:${host}`) },
          accounts: [
            { user: 'wizard', domain: LAB_DOMAIN, password: windowsPassword, isAdmin: true },
            // The local administrator of the same name: Basic over HTTPS takes local accounts only.
            { user: 'wizard', password: windowsPassword, isAdmin: true },
          ],
          executor: windows.executor(host),
        }),
      ),
    );
  }

  const control = await startControlServer(token, {
    'GET /state': () => ({
      scenario,
      sql: ref.engine.snapshot(),
      openShells: Object.fromEntries([...winrmServers].map(([h, s]) => [h, s.shellCount()])),
      winrm: Object.fromEntries(
        [...winrmServers].map(([h, s]) => [h, { up: !s.isDown, requests: s.requestCount() }]),
      ),
      // Per TDS endpoint (instances and the listener): batches and RPCs, and logins, since start.
      tds: Object.fromEntries(tdsCounts),
      windows: windows.state.snapshot(),
      physics: windows.physics.state(),
    }),
    'POST /reset': async (body) => {
      const next = (body.scenario as ScenarioName | undefined) ?? scenario;
      if (!SCENARIOS.includes(next))
        throw new ControlError(400, `Unknown scenario ${String(next)}`);
      ref.engine.close();
      ref.engine = openLabSql(path.join(stateDir, 'lab.db'), { scenario: next, reset: true, windowsNames });
      endConnectionsOnRoleChange(ref.engine);
      await windows.reset(next);
      // Every instance of the new state runs (its service too): an endpoint closed before the
      // reset listens again.
      for (const host of topology.masters) if (ref.engine.isRunning(host)) await sqlEndpoint(host, true);
      await windows.physics.tick();
      faults.failNext.clear();
      faults.latencyMs = 0;
      for (const w of winrmServers.values()) {
        w.failNextRequests(0, 500);
        w.setLatency(0);
        await w.up();
      }
      return { ok: true, scenario: next };
    },
    'POST /failover': (body) => {
      const ag = String(body.ag ?? topology.ag);
      const to = String(body.to ?? '');
      if (!to)
        throw new ControlError(400, 'Say which instance becomes primary: {"to": "SQLNODE2"}');
      ref.engine.failover(ag, to, { force: body.force === true });
      return { ok: true, primary: ref.engine.primaryOf(ag) };
    },
    // The instance's SQL Server service on its host, as services.msc would stop and start it.
    'POST /instances/:name/stop': async (_b, { name }) => {
      if (!sqlPorts.has(name ?? '')) throw new ControlError(404, `No SQL instance ${name}`);
      await windows.setSqlService(name!, false);
      return { ok: true };
    },
    'POST /instances/:name/start': async (_b, { name }) => {
      if (!sqlPorts.has(name ?? '')) throw new ControlError(404, `No SQL instance ${name}`);
      try {
        await windows.setSqlService(name!, true);
      } catch (e) {
        throw new ControlError(409, e instanceof Error ? e.message : String(e));
      }
      return { ok: true };
    },
    ...winrmControlRoutes(winrmServers),
    ...dbaRoutes({ engine: () => ref.engine, ag: topology.ag, registerDns: (n, ip) => windows.state.registerDns(n, ip) }),
    'POST /latency': (body) => {
      const ms = Number(body.ms);
      if (!Number.isFinite(ms) || ms < 0 || ms > 10_000)
        throw new ControlError(400, 'ms must be 0 to 10000');
      // Every request of either protocol waits this long: SQL batches and RPCs, and WinRM requests.
      faults.latencyMs = ms;
      for (const w of winrmServers.values()) w.setLatency(ms);
      return { ok: true };
    },
    'POST /faults': (body) => {
      const host = String(body.host ?? '*');
      const count = Number(body.count ?? 1);
      if (!Number.isInteger(count) || count < 0)
        throw new ControlError(400, 'count must be a whole number');
      faults.failNext.set(host.toUpperCase(), count);
      return { ok: true };
    },
  });

  const addr = (s: http.Server) => {
    const a = s.address();
    return typeof a === 'object' && a ? a.port : 0;
  };
  const endpoints: LabEndpoints = {
    scenario,
    stateDir,
    caCertPath: ca.certPath,
    domain: LAB_DOMAIN,
    dnsDomain: LAB_DNS_DOMAIN,
    topology,
    credentials: {
      windows: { user: `${LAB_DOMAIN}\\wizard`, password: windowsPassword },
      sqlAdmin: { ...LAB_SQL_LOGINS.admin },
      sqlReader: { ...LAB_SQL_LOGINS.reader },
      masterService: masterServiceAccount(),
    },
    hosts: Object.fromEntries(
      [...winrmServers].map(([host, w]) => [
        host,
        {
          fqdn: fqdn(host),
          winrm: { https: w.addresses.https!, http: w.addresses.http! },
          ...(sqlPorts.has(host) ? { sql: { host: '127.0.0.1', port: sqlPorts.get(host)! } } : {}),
        },
      ]),
    ),
    listeners: { [topology.listener]: { host: '127.0.0.1', port: listenerServer.port } },
    masterEndpoint: { name: topology.masterDns, port: windows.physics.port },
    control: { url: `http://127.0.0.1:${addr(control)}`, token },
  };
  ports.save({
    ...Object.fromEntries([...sqlPorts].map(([h, p]) => [`sql:${h}`, p])),
    [`listener:${topology.listener}`]: listenerServer.port,
    'master-endpoint': windows.physics.port,
    ...Object.fromEntries(
      [...winrmServers].flatMap(([h, w]) => [
        [`winrm-https:${h}`, w.addresses.https!.port],
        [`winrm-http:${h}`, w.addresses.http!.port],
      ]),
    ),
  });
  writeAtomically(path.join(stateDir, 'endpoints.json'), JSON.stringify(endpoints, null, 2), 0o600);

  return {
    endpoints,
    get engine() {
      return ref.engine;
    },
    async close() {
      await Promise.allSettled([
        ...[...sqlServers.values()].map((s) => s.close()),
        listenerServer.close(),
        ...[...winrmServers.values()].map((s) => s.close()),
        new Promise<void>((r) => control.close(() => r())),
      ]);
      await windows.close();
      ref.engine.close();
    },
  };
}

/**
 * WinRM trouble on demand: a host that goes down (listeners closed, connections dropped), HTTP
 * errors from HTTP.sys, and PowerShell processes that die mid-command.
 */
function winrmControlRoutes(servers: Map<string, WinrmServer>): Record<string, ControlRoute> {
  const byName = (name: string | undefined): WinrmServer => {
    const server = servers.get((name ?? '').toUpperCase());
    if (!server) throw new ControlError(404, `No host ${name ?? ''}`);
    return server;
  };
  return {
    'POST /hosts/:name/down': async (_b, { name }) => {
      await byName(name).down();
      return { ok: true, up: false };
    },
    'POST /hosts/:name/up': async (_b, { name }) => {
      await byName(name).up();
      return { ok: true, up: true };
    },
    'POST /hosts/:name/kill-processes': (_b, { name }) => ({
      ok: true,
      killed: byName(name).killProcesses(),
    }),
    'POST /winrm/faults': (body) => {
      const host = String(body.host ?? '*');
      const count = Number(body.count ?? 1);
      const status = Number(body.status ?? 500);
      if (!Number.isInteger(count) || count < 0)
        throw new ControlError(400, 'count must be a whole number');
      if (!Number.isInteger(status) || status < 400 || status > 599)
        throw new ControlError(400, 'status must be an HTTP error status (400-599)');
      const targets = host === '*' ? [...servers.values()] : [byName(host)];
      for (const s of targets) s.failNextRequests(count, status);
      return { ok: true, hosts: targets.map((s) => s.hostName) };
    },
  };
}

type Route = { instance: () => string | null; missing: () => string };

function instanceRoute(host: string): Route {
  return { instance: () => host, missing: () => '' };
}

function listenerRoute(ref: EngineRef, listener: string): Route {
  return {
    instance: () => ref.engine.listener(listener)?.primary ?? null,
    missing: () =>
      `The lab has no availability group listener named ${listener} yet (or it has no primary).`,
  };
}

type EngineRef = { engine: LabSqlEngine };

function sqlOptions(
  name: string,
  tls: HostTls | undefined,
  port: number,
  route: Route,
  faults: Faults,
  ref: EngineRef,
  counts: TdsCounts,
): TdsServerOptions<LabSession> {
  const count = (what: 'requests' | 'logins') => {
    const c = counts.get(name) ?? { requests: 0, logins: 0 };
    c[what]++;
    counts.set(name, c);
  };
  // Injected latency ends early when the client cancels (ATTENTION), as a real server's wait would.
  const gate = async (signal?: AbortSignal) => {
    if (faults.latencyMs && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, faults.latencyMs);
        signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
      });
    }
    for (const key of [name.toUpperCase(), '*']) {
      const left = faults.failNext.get(key) ?? 0;
      if (left > 0) {
        faults.failNext.set(key, left - 1);
        return true;
      }
    }
    return false;
  };
  const injected = {
    kind: 'error' as const,
    number: 50000,
    class: 16,
    message: `Lab: a fault was injected on ${name} through the control API.`,
  };
  return {
    host: '127.0.0.1',
    port,
    serverName: name,
    tls,
    async authenticate(login, ctx) {
      count('logins');
      if (await gate()) return { ok: false, error: { number: 18456, state: 1 } };
      const instance = route.instance();
      if (!instance)
        return { ok: false, error: { number: 18456, state: 1, message: route.missing() } };
      return toTdsAuthResult(
        ref.engine.authenticate(
          instance,
          login.userName,
          login.password,
          login.database || 'master',
          {
            encryption: ctx.encryption,
            hostName: login.hostName,
            appName: login.appName,
            clientAddress: ctx.remoteAddress,
            clientPort: ctx.remotePort,
            localPort: port,
            packetSize: login.packetSize,
            readOnlyIntent: login.readOnlyIntent,
          },
        ),
      );
    },
    handler: {
      async batch(sql, session, request) {
        count('requests');
        if (await gate(request.signal)) return { items: [injected] };
        if (request.signal.aborted) return { items: [] };
        return ref.engine.batch(session.context!.instance, sql, session.context!);
      },
      async rpc(call, session, request) {
        count('requests');
        if (await gate(request.signal)) return { items: [injected] };
        if (request.signal.aborted) return { items: [] };
        return ref.engine.rpc(session.context!.instance, call, session.context!);
      },
      disconnect(session) {
        if (session.context) ref.engine.disconnect(session.context);
      },
    },
  };
}

async function hostTls(stateDir: string, ca: LabCa, names: string[]): Promise<HostTls> {
  const dir = path.join(stateDir, 'tls');
  const certFile = path.join(dir, `${names[0]}.pem`);
  const keyFile = path.join(dir, `${names[0]}.key`);
  if (fs.existsSync(certFile) && fs.existsSync(keyFile))
    return { cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8') };
  const issued = await issueHostTls(ca, names);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(keyFile, issued.key, { mode: 0o600 });
  fs.writeFileSync(certFile, issued.cert);
  return issued;
}

/** pwsh from PATH, else where `dotnet tool install --global` puts it (scripts/bootstrap.sh). */
function findPwsh(): string {
  for (const dir of [
    ...(process.env.PATH ?? '').split(path.delimiter),
    path.join(os.homedir(), '.dotnet', 'tools'),
  ]) {
    const candidate = path.join(dir, 'pwsh');
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return 'pwsh';
}

/** Ports used last time; a port that is taken now falls back to a fresh one (0). */
function loadPorts(stateDir: string) {
  const file = path.join(stateDir, 'ports.json');
  let known: Record<string, number> = {};
  try {
    known = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, number>;
  } catch {
    // first start
  }
  return {
    get: (key: string) => known[key] ?? 0,
    save: (ports: Record<string, number>) =>
      writeAtomically(file, JSON.stringify(ports, null, 2), 0o600),
  };
}

/** Listens on the remembered port, or on a fresh one when another program took it meanwhile. */
async function onPort<T>(port: number, start: (port: number) => Promise<T>): Promise<T> {
  try {
    return await start(port);
  } catch (e) {
    if (port !== 0 && (e as NodeJS.ErrnoException).code === 'EADDRINUSE') return start(0);
    throw e;
  }
}

function loadOrCreateSecret(stateDir: string, name: string): string {
  const file = path.join(stateDir, name);
  if (!fs.existsSync(file))
    writeAtomically(file, `Lab-${crypto.randomBytes(12).toString('base64url')}`, 0o600);
  return fs.readFileSync(file, 'utf8').trim();
}

function writeAtomically(file: string, text: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode });
  fs.renameSync(tmp, file);
}

function masterServiceAccount(): { user: string; password: string } {
  const a = LAB_ACCOUNTS.find((x) => x.name === 'svc-ssismaster')!;
  return { user: `${a.domain}\\${a.name}`, password: a.password };
}
