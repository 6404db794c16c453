/**
 * The whole built-in lab (startLab) for client tests: a client per host and transport, the
 * control API, and the three transports with the lab's own credentials.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Lab, startLab } from '@/lib/lab/lab';
import { type Mode, labClient, labPywinrmConn } from './lab-client.test-helper';
import type { WinrmClient, WinrmClientOptions } from './types';

export { MODES, type Mode } from './lab-client.test-helper';

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
      return labClient(lab.endpoints, caPem, host, mode, extra);
    },
    control,
    async openShells() {
      return (await control('/state')).openShells as Record<string, number>;
    },
    pywinrmConn(host, mode) {
      return labPywinrmConn(lab.endpoints, host, mode);
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
