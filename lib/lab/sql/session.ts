/** What the lab keeps per connection (the TDS server stores it as the session context). */

import type { EncryptionMode } from '@/lib/lab/tds/types';

export interface LabSession {
  readonly spid: number;
  /** The instance the connection is on (for a listener: the primary it was routed to at login). */
  readonly instance: string;
  readonly loginName: string;
  readonly sid: Buffer;
  readonly principalId: number;
  /** Fixed-role membership is part of the login token: captured at login, like SQL Server. */
  readonly sysadmin: boolean;
  readonly securityadmin: boolean;
  readonly encryption: EncryptionMode;
  readonly authScheme: 'SQL' | 'NTLM';
  readonly hostName: string;
  readonly appName: string;
  /** ApplicationIntent=ReadOnly (readable secondaries configured READ_ONLY accept only these). */
  readonly readOnlyIntent: boolean;
  /** Current database; USE changes it. */
  database: string;
  nocount: boolean;
  xactAbort: boolean;
  tranCount: number;
  /** State changes made since the outermost BEGIN TRAN (the lab cannot undo them). */
  changesInTran: number;
}

export interface SessionOptions {
  spid?: number;
  encryption?: EncryptionMode;
  hostName?: string;
  appName?: string;
  clientAddress?: string;
  clientPort?: number;
  localPort?: number;
  packetSize?: number;
  readOnlyIntent?: boolean;
}
