// What the probe reads, as zod row shapes, and the plain results the pure check builders use.
import { z } from 'zod';

const flag = z.union([z.boolean(), z.number()]).nullable().transform((v) => (v === null ? null : Boolean(v)));
const sid = z.instanceof(Uint8Array).transform((b) => Buffer.from(b).toString('hex').toUpperCase());

export const serverRow = z.object({ server_name: z.string(), windows_only: z.number().nullable() });
export const roleRow = z.object({ role_desc: z.string().nullable() });
export const loginRow = z.object({ name: z.string(), sid: sid.nullable(), is_disabled: flag, is_policy_checked: flag, pw_ok: z.number().nullable() });
export const regRow = z.object({ Value: z.string().nullable(), Data: z.number().nullable() });
export const userRow = z.object({ sid: sid.nullable() });
export const propertyRow = z.object({ property_name: z.string(), property_value: z.string().nullable() });

export type Maybe<T> = { ok: true; value: T } | { ok: false; error: string };

export type LoginState = {
  /** SID as hex, upper case, without 0x. */
  sid: string | null;
  disabled: boolean;
  policyChecked: boolean;
  /** PWDCOMPARE against the wizard's password; null when the wizard holds none. */
  passwordOk: boolean | null;
};

export type NodeRead = {
  serverName: string;
  /** SERVERPROPERTY('IsIntegratedSecurityOnly') = 1: the running instance refuses SQL logins. */
  windowsOnly: boolean;
  /** This replica's role in the deployment's AG, null when it is not a replica. */
  role: string | null;
  login: LoginState | null;
  /** LoginMode in the registry (1 Windows only, 2 mixed): what the next start uses. */
  registryLoginMode: Maybe<number | null>;
};

/** What logging-login-mode-probe.ps1 reads over WinRM: the mode the instance starts with, and its service. */
export const winrmLoginModeSchema = z.object({
  /** MSSQL16.MSSQLSERVER, from HKLM:\SOFTWARE\Microsoft\Microsoft SQL Server\Instance Names\SQL; null without the instance. */
  instanceId: z.string().nullable(),
  /** The registry key holding LoginMode (PowerShell spelling). */
  key: z.string().nullable(),
  loginMode: z.number().int().nullable(),
  /** The instance's service status (Running, Stopped, ...), null when there is no such service. */
  service: z.string().nullable(),
});
export type WinrmLoginMode = z.infer<typeof winrmLoginModeSchema>;

export type NodeResult =
  | { node: string; ok: true; read: NodeRead }
  | {
      node: string;
      ok: false;
      error: string;
      /** The instance refused our login (not the network). */
      loginRefused: boolean;
      /** Read over WinRM when SQL could not be: LoginMode in the registry and the service. */
      winrm?: Maybe<WinrmLoginMode>;
    };

/** What only SSISDB on the primary answers, and the sign-in through the listener. */
export type CatalogRead = {
  /** The SSISDB user's SID (hex), null when the user does not exist. */
  userSid: string | null;
  /** CLUSTER_LOGDB_SERVER, null when not set. */
  logdbServer: string | null;
};

export type SigninRead = { ok: true; logdbServer: string | null } | { ok: false; error: string };
