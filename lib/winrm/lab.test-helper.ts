/**
 * The whole built-in lab (startLab) for client tests: a client per host and transport, the
 * control API, and the three transports with the lab's own credentials.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Lab, startLab } from '@/lib/lab/lab';
import { createWinrmClient } from './index';
import type { WinrmClient, WinrmClientOptions } from './types';

export type Mode = 'https-basic' | 'https-ntlm' | 'http-ntlm';
export const MODES: readonly Mode[] = ['https-basic', 'https-ntlm', 'http-ntlm'];

export interface TestLab {
  lab: Lab;
  caPem: string;
  hosts: string[];
  client(host: string, mode: Mode, extra?: Partial<WinrmClientOptions>): WinrmClient;
  /** POST (or GET when body is undefined) to the control API; returns the JSON answer. */
  control(route: string, body?: unknown): Promise<Record<string, unknown>>;
  openShells(): Promise<Record<string, number>>;
  /** pywinrm Protocol kwargs for the same host and transport. */
  pywinrmConn(host: string, mode: Mode): Record<string, unknown>;
  close(): Promise<void>;
}

export async function startTestLab(workers: number): Promise<TestLab> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'winrm-lab-test-'));
  const lab = await startLab({ scenario: 'fresh', stateDir: dir, token: 'test-token', workers });
  const caPem = fs.readFileSync(lab.endpoints.caCertPath, 'utf8');
  const { user, password } = lab.endpoints.credentials.windows;
  const localUser = user.split('\\')[1] ?? user;
  const endpoint = (host: string) => {
    const h = lab.endpoints.hosts[host];
    if (!h) throw new Error(`no lab host ${host}`);
    return h;
  };
  const control = async (route: string, body?: unknown) => {
    const res = await fetch(`${lab.endpoints.control.url}${route}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${lab.endpoints.control.token}`,
        'content-type': 'application/json',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200)
      throw new Error(`control ${route}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    lab,
    caPem,
    hosts: Object.keys(lab.endpoints.hosts),
    client(host, mode, extra = {}) {
      const h = endpoint(host);
      const protocol = mode === 'http-ntlm' ? 'http' : 'https';
      const a = h.winrm[protocol];
      return createWinrmClient(
        { host: h.fqdn, connectTo: `${a.host}:${a.port}` },
        {
          protocol,
          auth: mode === 'https-basic' ? 'basic' : 'ntlm',
          user: mode === 'https-basic' ? localUser : user,
          password,
          trust: { mode: 'ca', caPem },
          ...extra,
        },
      );
    },
    control,
    async openShells() {
      return (await control('/state')).openShells as Record<string, number>;
    },
    pywinrmConn(host, mode) {
      const h = endpoint(host);
      const protocol = mode === 'http-ntlm' ? 'http' : 'https';
      const a = h.winrm[protocol];
      return {
        endpoint: `${protocol}://${a.host}:${a.port}/wsman`,
        transport: mode === 'https-basic' ? 'ssl' : 'ntlm',
        username: mode === 'https-basic' ? localUser : user,
        password,
        // The lab certificate names the host, not 127.0.0.1; certificate checks are our client's tests.
        ...(protocol === 'https' ? { server_cert_validation: 'ignore' } : {}),
        ...(mode === 'http-ntlm' ? { message_encryption: 'always' } : {}),
      };
    },
    async close() {
      await lab.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(
  p: Promise<unknown>,
): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}
