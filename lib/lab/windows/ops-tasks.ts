// ScheduledTasks operations for the internal API (see ops.ts): one-time tasks registered on a
// host with a principal whose password Task Scheduler checks at registration (as Windows does:
// a wrong password is refused then, not at run time). A started task runs outside any WinRM
// session, as its principal: the documented way around the double hop that a WinRM session
// without CredSSP cannot make. The module starts the task's process and reports its end.

import { z } from 'zod';

import { WinError } from './errors';
import type { Op } from './ops';
import type { WindowsStore } from './store';

export interface TaskInfo {
  name: string;
  path: string;
  user: string;
  runLevel: 'Limited' | 'Highest';
  actions: { execute: string; arguments: string }[];
  state: 'Ready' | 'Running' | 'Disabled';
  lastRunTime: string | null;
  /** 0x41303 (267011): the task has not run yet; 0x41301 (267009): it is running. */
  lastTaskResult: number;
}

const SYSTEM = /^(nt authority\\system|system|localsystem)$/i;
const HAS_NOT_RUN = 0x41303;
const RUNNING = 0x41301;

const key = (host: string, path: string, name: string) => `task:${host.toUpperCase()}:${normPath(path)}${name}`;
const normPath = (p: string) => (p.endsWith('\\') ? p : `${p}\\`);

function taskError(command: string, hresult: number, message: string, category: 'ObjectNotFound' | 'ResourceExists' | 'SecurityError' | 'InvalidArgument', target: string): WinError {
  return new WinError(message, {
    id: `HRESULT 0x${hresult.toString(16).padStart(8, '0')},${command}`,
    category,
    exception: 'CimException',
    target,
  });
}

function read(store: WindowsStore, host: string, path: string, name: string): TaskInfo | undefined {
  const v = store.meta(key(host, path, name));
  return v ? (JSON.parse(v) as TaskInfo) : undefined;
}
function write(store: WindowsStore, host: string, t: TaskInfo): TaskInfo {
  store.setMeta(key(host, t.path, t.name), JSON.stringify(t));
  return t;
}
function requireTask(store: WindowsStore, host: string, path: string, name: string, command: string): TaskInfo {
  const t = read(store, host, path, name);
  if (!t) throw taskError(command, 0x80070002, 'The system cannot find the file specified.', 'ObjectNotFound', name);
  return t;
}

const Named = z.object({ name: z.string().min(1), path: z.string().default('\\') });

export const taskOps: Record<string, Op> = {
  'task.register': ({ state, host }, a) => {
    const p = Named.extend({
      actions: z.array(z.object({ execute: z.string().min(1), arguments: z.string().default('') })).min(1),
      user: z.string().min(1),
      password: z.string().optional(),
      runLevel: z.enum(['Limited', 'Highest']).default('Limited'),
      force: z.boolean().default(false),
    }).parse(a);
    const cmd = 'Register-ScheduledTask';
    const path = normPath(p.path);
    if (read(state.store, host, path, p.name) && !p.force) throw taskError(cmd, 0x800700b7, 'Cannot create a file when that file already exists.', 'ResourceExists', p.name);
    if (!SYSTEM.test(p.user)) {
      const bs = p.user.indexOf('\\');
      const domain = bs > 0 ? p.user.slice(0, bs).toUpperCase() : undefined;
      const user = bs > 0 ? p.user.slice(bs + 1) : p.user;
      const check = domain ? state.store.checkAccountPassword(domain, user, p.password ?? '') : 'unknown';
      if (check === 'unknown') throw taskError(cmd, 0x80070534, 'No mapping between account names and security IDs was done.', 'SecurityError', p.user);
      if (check === 'bad') throw taskError(cmd, 0x8007052e, 'The user name or password is incorrect.', 'SecurityError', p.user);
    }
    return write(state.store, host, {
      name: p.name,
      path,
      user: p.user,
      runLevel: p.runLevel,
      actions: p.actions,
      state: 'Ready',
      lastRunTime: null,
      lastTaskResult: HAS_NOT_RUN,
    });
  },
  'task.list': ({ state, host }) => {
    const rows = state.store.db.prepare('SELECT value FROM win_meta WHERE key LIKE ?').all(`task:${host.toUpperCase()}:%`) as { value: string }[];
    return rows.map((r) => JSON.parse(r.value) as TaskInfo);
  },
  /** Marks the task running and returns what its process must run; the module starts it. */
  'task.start': ({ state, host }, a) => {
    const p = Named.parse(a);
    const t = requireTask(state.store, host, p.path, p.name, 'Start-ScheduledTask');
    if (t.state === 'Running') return { ...t, alreadyRunning: true };
    return { ...write(state.store, host, { ...t, state: 'Running', lastRunTime: new Date().toISOString(), lastTaskResult: RUNNING }), alreadyRunning: false };
  },
  'task.finish': ({ state, host }, a) => {
    const p = Named.extend({ result: z.number().int() }).parse(a);
    const t = read(state.store, host, p.path, p.name);
    // Unregistered while it ran: nothing left to update.
    if (!t) return {};
    return write(state.store, host, { ...t, state: 'Ready', lastTaskResult: p.result });
  },
  'task.unregister': ({ state, host }, a) => {
    const p = Named.parse(a);
    requireTask(state.store, host, p.path, p.name, 'Unregister-ScheduledTask');
    state.store.db.prepare('DELETE FROM win_meta WHERE key = ?').run(key(host, p.path, p.name));
    return {};
  },
};
