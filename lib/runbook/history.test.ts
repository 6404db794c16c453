import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Check } from '@/lib/engine/types';
import { aroundJob, beforeAfterRows, readChecksHistory, recordChecks } from './history';

const check = (status: Check['status'], evidence: string): Check => ({ id: 'cert', title: 'Certificate names SSISMASTER', target: 'SQLNODE1', status, evidence });

describe('check history around a job', () => {
  it('records masked snapshots and pairs the last one before a job with its verification', async () => {
    const rt = { env: { dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'history-')) } };
    recordChecks(rt, 'dep1', 'primary', 'probe', [check('fail', 'Bound AB; PfxPassword=Sekr1t-Value')], ['Sekr1t-Value']);
    await new Promise((r) => setTimeout(r, 5));
    const startedAt = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    recordChecks(rt, 'dep1', 'primary', 'verify', [check('pass', 'Bound CD names SSISMASTER')], []);
    const history = readChecksHistory(rt, 'dep1', 'primary');
    expect(history.map((h) => h.phase)).toEqual(['probe', 'verify']);
    expect(fs.readFileSync(path.join(rt.env.dataDir, 'runbook', 'dep1', 'checks', 'primary.jsonl'), 'utf8')).not.toContain('Sekr1t-Value');
    const { before, after } = aroundJob(history, startedAt, new Date().toISOString());
    expect(beforeAfterRows(before, after)).toEqual([
      { id: 'cert', title: 'Certificate names SSISMASTER', target: 'SQLNODE1', before: 'fail', beforeEvidence: 'Bound AB; PfxPassword=********', after: 'pass', afterEvidence: 'Bound CD names SSISMASTER' },
    ]);
  });

  it('refuses a deployment id that could leave the data folder, and records nothing without one', () => {
    const rt = { env: { dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'history-')) } };
    recordChecks(rt, '../x', 'primary', 'probe', [check('pass', 'x')], []);
    expect(fs.readdirSync(rt.env.dataDir)).toEqual([]);
    expect(readChecksHistory({}, 'dep1', 'primary')).toEqual([]);
  });
});
