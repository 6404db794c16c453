// Faults during an apply, against the built-in lab: real step plans (the misconfigured scenario)
// run as jobs by the engine, and the lab breaks something when a chosen operation starts (a
// host goes down, HTTP.sys answers 500) or while its query is in flight (an availability group
// fails over). Each job must end failed naming the host and the operation, leave every
// MasterSettings.config whole, and the next probe must show what really happened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { step as alwaysOn } from '@/lib/steps/always-on/index';
import { step as config } from '@/lib/steps/config/index';
import { step as primary } from '@/lib/steps/primary/index';
import type { StepContext } from '@/lib/steps/context';
import { listAudit } from '@/lib/store/repo';
import { eventsSince, jobOperations } from './jobs';
import { startApply } from './runner';
import type { Check, Operation, StepModule } from './types';
import { settingsFolders, startJobLab, thumbprintIn, type JobLab } from './faults.lab.test-helper';

let t: JobLab;
beforeAll(async () => {
  t = await startJobLab();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const status = (checks: Check[], id: string) => checks.find((c) => c.id === id)?.status;

/** The step as it is, except that `fault` runs (and is awaited) when operation `opId` starts. */
function faultAt(
  module: StepModule<StepContext>,
  opId: string,
  fault: () => Promise<unknown>,
): StepModule<StepContext> {
  return {
    ...module,
    apply: async (ctx, op, run) => {
      if (op.id === opId) await fault();
      return module.apply(ctx, op, run);
    },
  };
}

function runJob(ctx: StepContext, module: StepModule<StepContext>, operations: Operation[]) {
  return startApply({
    db: t.rt.db,
    deploymentId: ctx.deploymentId,
    module,
    ctx,
    actor: 'tester',
    operations,
    secrets: ctx.secretValues(),
  });
}

/** What the job recorded: its end, each operation's status, its error log lines, the audit. */
function recorded(ctx: StepContext, jobId: string) {
  const ops = jobOperations(t.rt.db, jobId);
  return {
    statuses: ops.map((o) => [o.op.id, o.status]),
    failed: ops.find((o) => o.status === 'failed'),
    errors: eventsSince(t.rt.db, jobId, 0).flatMap((e) =>
      e.type === 'log' && e.level === 'error' ? [`${e.target}: ${e.text}`] : [],
    ),
    audit: listAudit(t.rt.db, `deployment/${ctx.deploymentId}`).filter(
      (a) => a.result === 'failed',
    ),
  };
}

describe('faults during an apply (lab)', () => {
  it('a host that goes down mid-job: failed naming the host and operation, the file untouched, the next probe true', async () => {
    const ctx = await t.use('misconfigured');
    const before = await settingsFolders(t);
    const oldThumb = thumbprintIn(before.SQLNODE1!['MasterSettings.config']!);
    const ops = primary.plan(ctx, await primary.probe(ctx));
    expect(ops.map((o) => o.id)).toEqual([
      'new-certificate@SQLNODE1',
      'rebind@SQLNODE1',
      'settings-thumbprint@SQLNODE1',
      'restart@SQLNODE1',
    ]);
    const settings = ops[2]!;

    try {
      const { job, done } = runJob(
        ctx,
        faultAt(primary, settings.id, () => t.control('/hosts/SQLNODE1/down')),
        ops,
      );
      const end = await done;
      expect(end.status).toBe('failed');
      expect(end.message).toContain(`SQLNODE1: "${settings.summary}" failed: `);
      const r = recorded(ctx, job.id);
      expect(r.statuses).toEqual([
        ['new-certificate@SQLNODE1', 'done'],
        ['rebind@SQLNODE1', 'done'],
        ['settings-thumbprint@SQLNODE1', 'failed'],
        ['restart@SQLNODE1', 'skipped'],
      ]);
      // The cause, as the WinRM client reports it (here the address it connects to), follows.
      expect(r.failed?.result).toMatch(/refused the connection/);
      expect(end.message).toContain(r.failed!.result!);
      expect(r.errors).toContain(`SQLNODE1: ${r.failed!.result}`);
      expect(r.audit.map((a) => [a.action, a.target])).toEqual([
        ['apply:primary:settings-thumbprint@SQLNODE1', `deployment/${ctx.deploymentId}/SQLNODE1`],
      ]);
    } finally {
      await t.control('/hosts/SQLNODE1/up');
    }

    // No file was written on any host: no backup, no temporary file, the old settings whole.
    expect(await settingsFolders(t)).toEqual(before);

    // The next probe: the certificate made and bound before the fault pass; the settings still fail.
    const next = await primary.probe(ctx);
    expect(status(next, 'cert-covers-dns-name@SQLNODE1')).toBe('pass');
    expect(status(next, 'cert-in-root@SQLNODE1')).toBe('pass');
    expect(status(next, 'settings-thumbprint@SQLNODE1')).toBe('fail');
    expect(next.find((c) => c.id === 'settings-thumbprint@SQLNODE1')?.evidence).toContain(oldThumb);
    expect(primary.plan(ctx, next).map((o) => o.id)).toEqual([
      'settings-thumbprint@SQLNODE1',
      'restart@SQLNODE1',
    ]);
  }, 300_000);

  it('WinRM answering 500 mid-job: failed naming the host, operation and status; the next probe keeps what was done', async () => {
    const ctx = await t.use('misconfigured');
    const before = await settingsFolders(t);
    const ops = primary.plan(ctx, await primary.probe(ctx));
    const rebind = ops.find((o) => o.id === 'rebind@SQLNODE1')!;

    try {
      // More failures than the client's retries: every request to SQLNODE1 gets 500 from now on.
      const { job, done } = runJob(
        ctx,
        faultAt(primary, rebind.id, () =>
          t.control('/winrm/faults', { host: 'SQLNODE1', count: 1000, status: 500 }),
        ),
        ops,
      );
      const end = await done;
      expect(end.status).toBe('failed');
      expect(end.message).toContain(`SQLNODE1: "${rebind.summary}" failed: `);
      expect(end.message).toMatch(/\b500\b/);
      const r = recorded(ctx, job.id);
      expect(r.statuses).toEqual([
        ['new-certificate@SQLNODE1', 'done'],
        ['rebind@SQLNODE1', 'failed'],
        ['settings-thumbprint@SQLNODE1', 'skipped'],
        ['restart@SQLNODE1', 'skipped'],
      ]);
      expect(r.failed?.result).toMatch(/sqlnode1/i);
    } finally {
      await t.control('/winrm/faults', { host: 'SQLNODE1', count: 0, status: 500 });
    }

    expect(await settingsFolders(t)).toEqual(before);
    // The new certificate is in Root (so it is not made again), the old one is still bound.
    const next = await primary.probe(ctx);
    expect(status(next, 'cert-covers-dns-name@SQLNODE1')).toBe('fail');
    expect(primary.plan(ctx, next).map((o) => o.id)).toEqual([
      'rebind@SQLNODE1',
      'settings-thumbprint@SQLNODE1',
      'restart@SQLNODE1',
    ]);

    // Applying that plan now completes the step: the settings file is replaced whole, with a backup.
    const rest = primary.plan(ctx, next);
    const { done } = runJob(ctx, primary, rest);
    expect((await done).status).toBe('succeeded');
    const after = (await settingsFolders(t)).SQLNODE1!;
    const names = Object.keys(after);
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const backups = names.filter((n) => /^MasterSettings\.config\.\d{8}T\d{6}Z\.bak$/.test(n));
    expect(backups).toHaveLength(1);
    expect(after[backups[0]!]).toEqual(before.SQLNODE1!['MasterSettings.config']);
    const bound = (await primary.probe(ctx)).find((c) => c.id === 'settings-thumbprint@SQLNODE1');
    expect(bound?.status).toBe('pass');
    expect(bound?.evidence).toContain(thumbprintIn(after['MasterSettings.config']!));
  }, 300_000);

  it('step 5: a node that goes down before its settings edit: failed naming it and the operation, its file whole, the logins already made kept', async () => {
    const ctx = await t.use('half-done');
    const before = await settingsFolders(t);
    const ops = config.plan(ctx, await config.probe(ctx));
    const edit = ops.find((o) => o.id === 'sqlservername@SQLNODE2');
    expect(edit, ops.map((o) => o.id).join(', ')).toBeDefined();
    try {
      const { job, done } = runJob(ctx, faultAt(config, edit!.id, () => t.control('/hosts/SQLNODE2/down', {})), ops);
      const end = await done;
      expect(end.status).toBe('failed');
      expect(end.message).toContain(`SQLNODE2: "${edit!.summary}" failed: `);
      const r = recorded(ctx, job.id);
      const statuses = Object.fromEntries(r.statuses);
      expect(statuses[edit!.id]).toBe('failed');
      for (const [id, st] of r.statuses) if (/^master-(login|user)/.test(String(id))) expect(st).toBe('done');
    } finally {
      await t.control('/hosts/SQLNODE2/up', {});
    }
    // Nothing half-written on any host: every settings folder as it was.
    expect(await settingsFolders(t)).toEqual(before);
    const next = await config.probe(ctx);
    expect(status(next, 'master-login@SQLNODE2')).toBe('pass');
    expect(status(next, 'sqlservername@SQLNODE2')).toBe('fail');
    expect(config.plan(ctx, next).map((o) => o.id)).toContain('sqlservername@SQLNODE2');
  }, 300_000);

  it('an availability group failover while MODIFY LISTENER is on its way: failed naming the instance and operation; the next plan targets the new primary', async () => {
    const ctx = await t.use('misconfigured');
    // SQLNODE2 accepts SQL logins, as after the logging step: the wizard can read the new primary.
    const w = t.lab.engine.authenticateWindows('SQLNODE2', 'LAB\\sqladmin', 'master');
    if (!w.ok) throw new Error('Windows login to SQLNODE2 failed');
    t.lab.engine.batch(
      'SQLNODE2',
      "EXEC xp_instance_regwrite N'HKEY_LOCAL_MACHINE', N'Software\\Microsoft\\MSSQLServer\\MSSQLServer', N'LoginMode', REG_DWORD, 2",
      w.session,
    );
    t.lab.engine.setInstanceRunning('SQLNODE2', false);
    t.lab.engine.setInstanceRunning('SQLNODE2', true);
    const ops = alwaysOn.plan(ctx, await alwaysOn.probe(ctx)).filter((o) => o.kind !== 'manual');
    expect(ops.map((o) => [o.id, o.target])).toEqual([['listener.port', 'SQLNODE1']]);
    const op = ops[0]!;

    // Every SQL request waits a second; the failover lands while the operation's first query waits.
    await t.control('/latency', { ms: 1000 });
    let failover: Promise<unknown> = Promise.resolve();
    const fault = async () => {
      failover = new Promise((r) => setTimeout(r, 300)).then(async () => {
        await t.control('/failover', { to: 'SQLNODE2' });
        await t.control('/latency', { ms: 0 });
      });
    };
    try {
      const { job, done } = runJob(ctx, faultAt(alwaysOn, op.id, fault), ops);
      const end = await done;
      await failover;
      expect(end.status).toBe('failed');
      expect(end.message).toContain(`SQLNODE1: "${op.summary}" failed: `);
      const r = recorded(ctx, job.id);
      expect(r.statuses).toEqual([['listener.port', 'failed']]);
      // SQL Server's own refusal: the statement needs the primary replica.
      expect(r.failed?.result).toMatch(/41190|primary/i);
    } finally {
      await failover.catch(() => undefined);
      await t.control('/latency', { ms: 0 });
    }
    expect(t.lab.engine.listener('SSISLISTENER')?.port ?? null).toBeNull();

    const next = await alwaysOn.probe(ctx);
    expect(next.find((c) => c.id === 'ag.primary')).toMatchObject({
      status: 'pass',
      target: 'SQLNODE2',
    });
    expect(status(next, 'listener.port')).toBe('fail');
    expect(
      alwaysOn
        .plan(ctx, next)
        .filter((o) => o.kind !== 'manual')
        .map((o) => [o.id, o.target]),
    ).toEqual([['listener.port', 'SQLNODE2']]);
  }, 300_000);
});
