/**
 * The successful login response (reference B6). The order follows MS-TDS's login
 * example and was verified against tedious, mssql and FreeTDS tsql.
 */

import { Writer } from './buffers';
import { DEFAULT_COLLATION } from './wire-constants';
import { FeatureId } from './login7';
import { DEFAULT_PACKET_SIZE } from './packet';
import {
  CurCmd,
  DoneStatus,
  EnvChangeType,
  Token,
  done,
  envChangeBytes,
  envChangeText,
  featureExtAck,
  loginAck,
  message,
} from './tokens';
import type { SqlServerVersion } from './types';

export interface LoginResponseFields {
  serverName: string;
  database: string;
  language: string;
  packetSize: number;
  tdsVersion: number;
  version: SqlServerVersion;
  /** FeatureExt ids the client sent; only those the lab supports are acknowledged. */
  requestedFeatures: ReadonlySet<number>;
}

export function loginResponse(f: LoginResponseFields): Buffer {
  const w = new Writer(512);
  const info = (number: number, state: number, text: string): void =>
    message(w, Token.INFO, {
      number,
      state,
      class: 0,
      message: text,
      serverName: f.serverName,
      procedure: '',
      line: 1,
    });

  envChangeText(w, EnvChangeType.DATABASE, f.database, 'master');
  info(5701, 2, `Changed database context to '${f.database}'.`);
  envChangeBytes(w, EnvChangeType.SQL_COLLATION, DEFAULT_COLLATION, Buffer.alloc(0));
  envChangeText(w, EnvChangeType.LANGUAGE, f.language, '');
  info(5703, 1, `Changed language setting to ${f.language}.`);
  loginAck(w, {
    tdsVersion: f.tdsVersion,
    progName: 'Microsoft SQL Server',
    major: f.version.major,
    minor: f.version.minor,
    build: f.version.build,
  });
  // tedious treats a FEATUREEXTACK without a feature it knows as a login error, so the
  // token is only sent when there is something to acknowledge.
  if (f.requestedFeatures.has(FeatureId.UTF8_SUPPORT)) {
    featureExtAck(w, [{ id: FeatureId.UTF8_SUPPORT, data: Buffer.from([0x01]) }]);
  }
  envChangeText(w, EnvChangeType.PACKET_SIZE, String(f.packetSize), String(DEFAULT_PACKET_SIZE));
  done(w, Token.DONE, DoneStatus.FINAL, CurCmd.NONE, 0);
  return w.toBuffer();
}

/** SQL Server's texts for the login errors the lab produces. */
export function loginErrorText(
  number: number,
  userName: string,
  database: string,
): string | undefined {
  switch (number) {
    case 18456:
      return `Login failed for user '${userName}'.`;
    case 18452:
      return 'Login failed. The login is from an untrusted domain and cannot be used with Integrated authentication.';
    case 18470:
      return `Login failed for user '${userName}'. Reason: The account is disabled.`;
    case 18488:
      return `Login failed for user '${userName}'. Reason: The password of the account must be changed.`;
    case 4060:
      return `Cannot open database "${database}" requested by the login. The login failed.`;
    default:
      return undefined;
  }
}

export function loginErrorClass(number: number): number {
  return [18456, 18452, 18470, 18486, 18487, 18488].includes(number) ? 14 : 11;
}
