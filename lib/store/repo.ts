import 'server-only';
import crypto from 'node:crypto';
import type { Db } from './db';
import type { SecretBox } from '@/lib/auth/secret-box';
import type { StoredInventory } from '@/lib/inventory/schema';
import { STEPS, type StepSlug, type StepStatus } from '@/lib/steps/registry';
import type { Check, JobSubject } from '@/lib/engine/types';

const now = () => new Date().toISOString();

// ---- users and sessions

export type User = { id: number; username: string };

export function countUsers(db: Db): number {
  return db.prepare('SELECT COUNT(*) FROM users').pluck().get() as number;
}

export function createUser(db: Db, username: string, passwordHash: string): User {
  const info = db
    .prepare('INSERT INTO users (username, password_hash, created_at) VALUES (?, ?, ?)')
    .run(username, passwordHash, now());
  return { id: Number(info.lastInsertRowid), username };
}

export function findUserForLogin(db: Db, username: string): (User & { passwordHash: string }) | undefined {
  return db
    .prepare('SELECT id, username, password_hash AS passwordHash FROM users WHERE username = ?')
    .get(username) as (User & { passwordHash: string }) | undefined;
}

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export function createSession(db: Db, userId: number, ttlMs: number): { token: string; expiresAt: Date } {
  const token = crypto.randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs);
  db.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(
    hashToken(token),
    userId,
    now(),
    expiresAt.toISOString(),
  );
  return { token, expiresAt };
}

export function findSessionUser(db: Db, token: string): User | undefined {
  return db
    .prepare(
      `SELECT u.id, u.username FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.token_hash = ? AND s.expires_at > ?`,
    )
    .get(hashToken(token), now()) as User | undefined;
}

export function deleteSession(db: Db, token: string): void {
  db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hashToken(token));
}

export function deleteExpiredSessions(db: Db): void {
  db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now());
}

// ---- deployments

export type Deployment = {
  id: string;
  name: string;
  inventory: StoredInventory;
  createdAt: string;
  updatedAt: string;
};

type DeploymentRow = { id: string; name: string; inventory_json: string; created_at: string; updated_at: string };

const toDeployment = (r: DeploymentRow): Deployment => ({
  id: r.id,
  name: r.name,
  inventory: JSON.parse(r.inventory_json) as StoredInventory,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function listDeployments(db: Db): Deployment[] {
  return (db.prepare('SELECT * FROM deployments ORDER BY created_at DESC').all() as DeploymentRow[]).map(toDeployment);
}

export function getDeployment(db: Db, id: string): Deployment | undefined {
  const row = db.prepare('SELECT * FROM deployments WHERE id = ?').get(id) as DeploymentRow | undefined;
  return row && toDeployment(row);
}

export function insertDeployment(db: Db, inventory: StoredInventory): Deployment {
  const id = crypto.randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').toLowerCase();
  const at = now();
  db.prepare('INSERT INTO deployments (id, name, inventory_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(
    id,
    inventory.name,
    JSON.stringify(inventory),
    at,
    at,
  );
  return { id, name: inventory.name, inventory, createdAt: at, updatedAt: at };
}

export function updateDeployment(db: Db, id: string, inventory: StoredInventory): void {
  db.prepare('UPDATE deployments SET name = ?, inventory_json = ?, updated_at = ? WHERE id = ?').run(
    inventory.name,
    JSON.stringify(inventory),
    now(),
    id,
  );
}

export function deleteDeployment(db: Db, id: string): boolean {
  return db.prepare('DELETE FROM deployments WHERE id = ?').run(id).changes > 0;
}

// ---- step state

export function getStepStatuses(db: Db, deploymentId: string): Record<StepSlug, StepStatus> {
  const rows = db.prepare('SELECT step, status FROM step_state WHERE deployment_id = ?').all(deploymentId) as {
    step: string;
    status: StepStatus;
  }[];
  const known = new Map(rows.map((r) => [r.step, r.status]));
  return Object.fromEntries(STEPS.map((s) => [s.slug, known.get(s.slug) ?? 'not-checked'])) as Record<
    StepSlug,
    StepStatus
  >;
}

/** A step's stored status and the checks of its last probe or verify (null when never checked). */
export function getStepState(db: Db, deploymentId: string, step: string): { status: StepStatus; checks: Check[] | null; updatedAt: string } | undefined {
  const row = db.prepare('SELECT status, checks_json, updated_at FROM step_state WHERE deployment_id = ? AND step = ?').get(deploymentId, step) as
    | { status: StepStatus; checks_json: string | null; updated_at: string }
    | undefined;
  if (!row) return undefined;
  return { status: row.status, checks: row.checks_json ? (JSON.parse(row.checks_json) as Check[]) : null, updatedAt: row.updated_at };
}

export function setStepStatus(db: Db, deploymentId: string, step: JobSubject, status: StepStatus, checksJson?: string): void {
  db.prepare(
    `INSERT INTO step_state (deployment_id, step, status, checks_json, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (deployment_id, step) DO UPDATE SET status = excluded.status,
       checks_json = COALESCE(excluded.checks_json, step_state.checks_json), updated_at = excluded.updated_at`,
  ).run(deploymentId, step, status, checksJson ?? null, now());
}

// ---- secrets (encrypted with the secret box; the additional data binds each to its row)

const secretAad = (deploymentId: string, name: string) => `deployment:${deploymentId}:secret:${name}`;

export function setSecret(db: Db, box: SecretBox, deploymentId: string, name: string, value: string): void {
  db.prepare(
    `INSERT INTO secrets (deployment_id, name, ciphertext, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (deployment_id, name) DO UPDATE SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
  ).run(deploymentId, name, box.seal(value, secretAad(deploymentId, name)), now());
}

export function getSecret(db: Db, box: SecretBox, deploymentId: string, name: string): string | undefined {
  const ct = db
    .prepare('SELECT ciphertext FROM secrets WHERE deployment_id = ? AND name = ?')
    .pluck()
    .get(deploymentId, name) as string | undefined;
  return ct === undefined ? undefined : box.open(ct, secretAad(deploymentId, name));
}

export function secretNamesSet(db: Db, deploymentId: string): Set<string> {
  return new Set(db.prepare('SELECT name FROM secrets WHERE deployment_id = ?').pluck().all(deploymentId) as string[]);
}

// ---- audit log (append-only: triggers refuse UPDATE and DELETE)

export type AuditEntry = { id: number; at: string; actor: string; action: string; target: string; result: string; detail: string | null };

export function audit(db: Db, e: { actor: string; action: string; target: string; result: string; detail?: string }): void {
  db.prepare('INSERT INTO audit_log (at, actor, action, target, result, detail) VALUES (?, ?, ?, ?, ?, ?)').run(
    now(),
    e.actor,
    e.action,
    e.target,
    e.result,
    e.detail ?? null,
  );
}

export function listAudit(db: Db, target?: string, limit = 200): AuditEntry[] {
  return (
    target
      ? db.prepare('SELECT * FROM audit_log WHERE target = ? OR target LIKE ? ORDER BY id DESC LIMIT ?').all(target, `${target}/%`, limit)
      : db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit)
  ) as AuditEntry[];
}
