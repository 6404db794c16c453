// What the probe reads, as zod row shapes (the server's answer is checked, not assumed) and the
// plain results the pure check builders work from.
import { z } from 'zod';

const text = z.string();
const maybeText = z.string().nullable();
const flag = z.union([z.boolean(), z.number()]).nullable().transform((v) => (v === null ? null : Boolean(v)));

export const serverRow = z.object({ server_name: text, hadr_enabled: z.number().nullable() });

export const replicaRow = z.object({
  replica_server_name: text,
  availability_mode_desc: maybeText,
  failover_mode_desc: maybeText,
  is_local: flag,
  role_desc: maybeText,
  connected_state_desc: maybeText,
  synchronization_health_desc: maybeText,
});

export const dbReplicaRow = z.object({
  replica_server_name: text,
  synchronization_state_desc: maybeText,
  synchronization_health_desc: maybeText,
  is_suspended: flag,
});

export const agDatabaseRow = z.object({ database_name: text });

export const listenerRow = z.object({
  dns_name: text,
  port: z.number().nullable(),
  ip_address: maybeText,
  ip_subnet_mask: maybeText,
  state_desc: maybeText,
});

export const ssisdbRow = z.object({
  state_desc: maybeText,
  recovery_model_desc: maybeText,
  is_master_key_encrypted_by_server: flag,
  in_ag: flag,
});

export const mkPasswordRow = z.object({ credential_id: z.number(), family_guid: text });
export const familyRow = z.object({ family_guid: maybeText });
export const startupRow = z.object({ name: text, is_auto_executed: flag });
export const alwaysOnRow = z.object({ server_name: text, state: z.number().nullable() });
export const networkRow = z.object({
  network_subnet_ip: maybeText,
  network_subnet_ipv4_mask: maybeText,
  is_ipv4: flag,
});

export type ReplicaRow = z.infer<typeof replicaRow>;
export type DbReplicaRow = z.infer<typeof dbReplicaRow>;
export type ListenerRow = z.infer<typeof listenerRow>;
export type SsisdbRow = z.infer<typeof ssisdbRow>;
export type MkPasswordRow = z.infer<typeof mkPasswordRow>;
export type AlwaysOnRow = z.infer<typeof alwaysOnRow>;
export type NetworkRow = z.infer<typeof networkRow>;

/** A read that may fail on its own (a view this server does not have) without failing the node. */
export type Maybe<T> = { ok: true; value: T } | { ok: false; error: string };

/** One master node's instance, as read in one batch (plus two reads that may fail alone). */
export type NodeRead = {
  serverName: string;
  hadrEnabled: boolean;
  replicas: ReplicaRow[];
  dbReplicas: DbReplicaRow[];
  agDatabases: string[];
  listeners: ListenerRow[];
  ssisdb: SsisdbRow | null;
  mkPasswords: MkPasswordRow[];
  /** SSISDB's family GUID (what sp_control_dbmasterkey_password credentials are keyed on). */
  ssisdbFamily: Maybe<string | null>;
  /** master.dbo.sp_ssis_startup: null when it does not exist. */
  startupProc: Maybe<{ autoExec: boolean } | null>;
};

export type NodeResult = { node: string; ok: true; read: NodeRead } | { node: string; ok: false; error: string };

/** What only the primary (or the listener) can answer. */
export type AgReads = {
  alwaysOn?: Maybe<AlwaysOnRow[]>;
  networks?: Maybe<NetworkRow[]>;
  /** @@SERVERNAME through the listener; undefined when there was no listener to try. */
  viaListener?: Maybe<string>;
};
