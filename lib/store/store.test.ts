import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretBox } from '@/lib/auth/secret-box';
import { saveDeployment, secretsSet } from '@/lib/deployments';
import { exampleInventory } from '@/lib/inventory/example';
import { openDb, schemaVersion, type Db } from './db';
import { MIGRATIONS } from './migrations';
import * as repo from './repo';

let dir: string;
let db: Db;
const box = new SecretBox(crypto.randomBytes(32));

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wizard-store-'));
  db = openDb(path.join(dir, 'wizard.db'));
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('store', () => {
  it('applies migrations once, in WAL mode, and records the version', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    db.close();
    db = openDb(path.join(dir, 'wizard.db')); // reopening applies nothing twice
    expect(db.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.length);
  });

  it('keeps sessions by token hash and forgets expired ones', () => {
    const user = repo.createUser(db, 'admin', 'hash');
    const live = repo.createSession(db, user.id, 60_000);
    const expired = repo.createSession(db, user.id, -1);
    expect(repo.findSessionUser(db, live.token)).toEqual(user);
    expect(repo.findSessionUser(db, expired.token)).toBeUndefined();
    expect(repo.findSessionUser(db, 'forged-token')).toBeUndefined();
    const stored = db.prepare('SELECT token_hash FROM sessions').pluck().all() as string[];
    expect(stored).not.toContain(live.token);
    repo.deleteExpiredSessions(db);
    expect(db.prepare('SELECT COUNT(*) FROM sessions').pluck().get()).toBe(1);
    repo.deleteSession(db, live.token);
    expect(repo.findSessionUser(db, live.token)).toBeUndefined();
  });

  it('stores a deployment without its secrets, which go encrypted into their own table', () => {
    const inv = { ...exampleInventory(), winrmPassword: 'p@ss"word\'with;quotes', sqlPassword: 'sql-secret-value' };
    const d = saveDeployment({ db, box }, null, inv);
    expect(d.inventory).not.toHaveProperty('winrmPassword');
    expect(repo.getDeployment(db, d.id)?.inventory.masters[0]?.hostName).toBe('SQLNODE1');
    expect(secretsSet({ db }, d.id)).toEqual({ masterAccountPassword: false, winrmPassword: true, sqlPassword: true });
    expect(repo.getSecret(db, box, d.id, 'winrmPassword')).toBe(inv.winrmPassword);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = fs.readFileSync(path.join(dir, 'wizard.db'));
    expect(bytes.includes(Buffer.from(inv.winrmPassword))).toBe(false);
    expect(bytes.includes(Buffer.from(inv.sqlPassword))).toBe(false);
  });

  it('keeps a stored secret when the field comes back empty, and replaces it when typed', () => {
    const d = saveDeployment({ db, box }, null, { ...exampleInventory(), sqlPassword: 'first' });
    saveDeployment({ db, box }, d.id, { ...exampleInventory(), name: 'renamed', sqlPassword: '' });
    expect(repo.getSecret(db, box, d.id, 'sqlPassword')).toBe('first');
    expect(repo.getDeployment(db, d.id)?.name).toBe('renamed');
    saveDeployment({ db, box }, d.id, { ...exampleInventory(), sqlPassword: 'second' });
    expect(repo.getSecret(db, box, d.id, 'sqlPassword')).toBe('second');
  });

  it('binds a secret to its row: a ciphertext moved to another deployment does not open', () => {
    const a = saveDeployment({ db, box }, null, { ...exampleInventory(), sqlPassword: 'a-secret' });
    const b = saveDeployment({ db, box }, null, exampleInventory());
    const ct = db.prepare('SELECT ciphertext FROM secrets WHERE deployment_id = ?').pluck().get(a.id) as string;
    db.prepare("INSERT INTO secrets (deployment_id, name, ciphertext, updated_at) VALUES (?, 'sqlPassword', ?, '')").run(b.id, ct);
    expect(() => repo.getSecret(db, box, b.id, 'sqlPassword')).toThrow(/could not be decrypted/);
  });

  it('deletes a deployment with its step state and secrets, but the audit log keeps its entries', () => {
    const d = saveDeployment({ db, box }, null, { ...exampleInventory(), sqlPassword: 'x' });
    repo.setStepStatus(db, d.id, 'prereqs', 'failing');
    expect(repo.getStepStatuses(db, d.id).prereqs).toBe('failing');
    expect(repo.getStepStatuses(db, d.id).workers).toBe('not-checked');
    repo.audit(db, { actor: 'admin', action: 'deployment.create', target: `deployment/${d.id}`, result: 'ok' });
    expect(repo.deleteDeployment(db, d.id)).toBe(true);
    expect(db.prepare('SELECT COUNT(*) FROM secrets').pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM step_state').pluck().get()).toBe(0);
    expect(repo.listAudit(db, `deployment/${d.id}`)).toHaveLength(1);
  });

  it('refuses to change or delete audit entries', () => {
    repo.audit(db, { actor: 'admin', action: 'x', target: 't', result: 'ok' });
    expect(() => db.prepare("UPDATE audit_log SET result = 'forged'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
  });
});
