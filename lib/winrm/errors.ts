/**
 * Every way a WinRM call can fail, as a closed code union with a message a DBA can act on.
 * This is the ONE place where Node, TLS, HTTP, NTLM and WS-Man failures become WinrmErrors:
 * the other modules call the factories below and never build messages themselves.
 * Messages never carry a password: the client passes its secrets to `redactError` at its
 * boundary as a second line of defence, and nothing here ever reads request headers.
 */
import type { ClixmlRecord } from './clixml';

export type WinrmErrorCode =
  /** The options cannot work (an empty CA bundle, a malformed thumbprint or address override). */
  | 'CONFIG_INVALID'
  /** Kerberos or CredSSP was chosen: not implemented yet. */
  | 'AUTH_NOT_SUPPORTED'
  /** Basic over plain HTTP: refused client-side because it would send the password in clear. */
  | 'INSECURE_BASIC_OVER_HTTP'
  /** The host name (or the override address) is not known to DNS. */
  | 'DNS_NOT_FOUND'
  /** DNS did not answer (temporary failure). */
  | 'DNS_FAILED'
  /** Nothing listens on the port (or a firewall rejects). */
  | 'TCP_REFUSED'
  /** No TCP answer in time (a firewall drops, or the host is down). */
  | 'TCP_TIMEOUT'
  /** No route to the host or network. */
  | 'TCP_UNREACHABLE'
  /** The server closed or reset the connection mid-request. */
  | 'TCP_RESET'
  /** The certificate chain does not lead to a trusted root (self-signed, unknown CA). */
  | 'TLS_UNTRUSTED'
  /** The certificate does not cover the host name. */
  | 'TLS_NAME_MISMATCH'
  /** The certificate is not the pinned one. */
  | 'TLS_THUMBPRINT_MISMATCH'
  /** The certificate has expired or is not valid yet. */
  | 'TLS_EXPIRED'
  /** The TLS handshake failed for another reason (plain HTTP on the port, no common protocol). */
  | 'TLS_HANDSHAKE_FAILED'
  /** HTTP 401: credentials refused, or no scheme both sides support. */
  | 'HTTP_UNAUTHORIZED'
  /** Another HTTP status without a WS-Man fault (404 wrong path, 503 service unavailable). */
  | 'HTTP_ERROR'
  /** The server accepted the request but did not answer in time. */
  | 'HTTP_TIMEOUT'
  /** The NTLM exchange or message encryption failed (bad challenge, signature, framing). */
  | 'NTLM_FAILED'
  /** WS-Man fault: authenticated but not authorised (not an administrator / Remote Management Users). */
  | 'WSMAN_ACCESS_DENIED'
  /** WS-Man fault 2150858843: the shell is gone on the server (expired, or the service restarted). */
  | 'WSMAN_SHELL_NOT_FOUND'
  /** WS-Man fault: a quota (MaxShellsPerUser, MaxConcurrentOperationsPerUser, memory) is exhausted. */
  | 'WSMAN_QUOTA_EXCEEDED'
  /** WS-Man fault 2150858793: no output within OperationTimeout. The Receive loop treats it as "keep waiting". */
  | 'WSMAN_OPERATION_TIMEOUT'
  /** Any other WS-Man fault; `fault` holds its code and message. */
  | 'WSMAN_FAULT'
  /** The answer is not the WS-Man envelope expected (not XML, wrong RelatesTo, no ShellId). */
  | 'PROTOCOL_ERROR'
  /** The command line exceeds what cmd.exe accepts (8191 characters). */
  | 'COMMAND_LINE_TOO_LONG'
  /** powershell.exe/pwsh did not start, or could not run the runner. */
  | 'POWERSHELL_NOT_STARTED'
  /** The script threw a terminating error (or failed to parse); `records` holds it. */
  | 'POWERSHELL_SCRIPT_FAILED'
  /** The script ended without a result, or the result is not JSON or fails the schema. */
  | 'POWERSHELL_BAD_RESULT'
  /** The command wrote more output than maxOutputBytes allows in memory; it was terminated. */
  | 'OUTPUT_TOO_LARGE'
  /** The per-operation deadline passed; the command was terminated and its shell deleted. */
  | 'COMMAND_TIMEOUT'
  /** The caller aborted; the command was terminated and its shell deleted. */
  | 'CANCELLED'
  /** The client was closed. */
  | 'CLIENT_CLOSED';

/** The layer that failed, in connection order: testConnection reports the first failing one. */
export type WinrmLayer =
  'config' | 'dns' | 'tcp' | 'tls' | 'http' | 'auth' | 'wsman' | 'powershell' | 'client';

export const LAYER_ORDER: readonly WinrmLayer[] = [
  'config',
  'dns',
  'tcp',
  'tls',
  'http',
  'auth',
  'wsman',
  'powershell',
];

const LAYER: Record<WinrmErrorCode, WinrmLayer> = {
  CONFIG_INVALID: 'config',
  AUTH_NOT_SUPPORTED: 'config',
  INSECURE_BASIC_OVER_HTTP: 'config',
  DNS_NOT_FOUND: 'dns',
  DNS_FAILED: 'dns',
  TCP_REFUSED: 'tcp',
  TCP_TIMEOUT: 'tcp',
  TCP_UNREACHABLE: 'tcp',
  TCP_RESET: 'tcp',
  TLS_UNTRUSTED: 'tls',
  TLS_NAME_MISMATCH: 'tls',
  TLS_THUMBPRINT_MISMATCH: 'tls',
  TLS_EXPIRED: 'tls',
  TLS_HANDSHAKE_FAILED: 'tls',
  HTTP_UNAUTHORIZED: 'auth',
  HTTP_ERROR: 'http',
  HTTP_TIMEOUT: 'http',
  NTLM_FAILED: 'auth',
  WSMAN_ACCESS_DENIED: 'auth',
  WSMAN_SHELL_NOT_FOUND: 'wsman',
  WSMAN_QUOTA_EXCEEDED: 'wsman',
  WSMAN_OPERATION_TIMEOUT: 'wsman',
  WSMAN_FAULT: 'wsman',
  PROTOCOL_ERROR: 'wsman',
  COMMAND_LINE_TOO_LONG: 'client',
  POWERSHELL_NOT_STARTED: 'powershell',
  POWERSHELL_SCRIPT_FAILED: 'powershell',
  POWERSHELL_BAD_RESULT: 'powershell',
  OUTPUT_TOO_LARGE: 'client',
  COMMAND_TIMEOUT: 'client',
  CANCELLED: 'client',
  CLIENT_CLOSED: 'client',
};

/** Failures worth another try of an idempotent operation: the next attempt may well succeed. */
const TRANSIENT = new Set<WinrmErrorCode>([
  'DNS_FAILED',
  'TCP_REFUSED',
  'TCP_TIMEOUT',
  'TCP_RESET',
  'HTTP_TIMEOUT',
  'WSMAN_SHELL_NOT_FOUND',
  'WSMAN_QUOTA_EXCEEDED',
]);

/** A parsed WS-Man SOAP fault. */
export interface WsmanFault {
  /** `Sender` or `Receiver` (prefix removed). */
  code: string;
  /** E.g. `TimedOut`, `AccessDenied`, `InvalidSelectors` (prefix removed). */
  subcode: string;
  reason: string;
  /** The WSManFault Code attribute, e.g. 2150858793. */
  wsmanCode: number | null;
  machine: string | null;
  message: string;
}

/** The server certificate as seen in the TLS handshake: evidence for the DBA. */
export interface PeerCertificateSummary {
  subject: string;
  issuer: string;
  /** CNs and SANs, as written in the certificate. */
  names: string[];
  thumbprint: string;
  notBefore: string;
  notAfter: string;
}

export interface WinrmErrorDetails {
  /** HTTP status when one was received. */
  status?: number;
  /** Schemes the server offered in WWW-Authenticate (on 401). */
  offeredSchemes?: string[];
  /** The certificate the server presented (TLS failures). */
  certificate?: PeerCertificateSummary;
  fault?: WsmanFault;
  /** PowerShell error records (script failures, stderr CLIXML). */
  records?: ClixmlRecord[];
  exitCode?: number;
  /** Extra text from the failing layer (a Node error code, an OpenSSL reason). */
  detail?: string;
}

export class WinrmError extends Error {
  readonly code: WinrmErrorCode;
  readonly layer: WinrmLayer;
  /** The host (as named in the inventory) the call went to. */
  readonly host: string;
  readonly details: WinrmErrorDetails;

  constructor(
    code: WinrmErrorCode,
    host: string,
    message: string,
    details: WinrmErrorDetails = {},
  ) {
    super(message);
    this.name = 'WinrmError';
    this.code = code;
    this.layer = LAYER[code];
    this.host = host;
    this.details = details;
  }

  get transient(): boolean {
    return TRANSIENT.has(this.code);
  }

  toJSON(): {
    name: string;
    code: WinrmErrorCode;
    layer: WinrmLayer;
    host: string;
    message: string;
    details: WinrmErrorDetails;
  } {
    return {
      name: this.name,
      code: this.code,
      layer: this.layer,
      host: this.host,
      message: this.message,
      details: this.details,
    };
  }
}

export function isWinrmError(e: unknown, code?: WinrmErrorCode): e is WinrmError {
  return e instanceof WinrmError && (code === undefined || e.code === code);
}

// ---------------------------------------------------------------------------------------------
// Factories. Each names the host and says what to do next.

export function configError(host: string, message: string): WinrmError {
  return new WinrmError('CONFIG_INVALID', host, message);
}

export function authNotSupported(host: string, scheme: string): WinrmError {
  return new WinrmError(
    'AUTH_NOT_SUPPORTED',
    host,
    `${scheme} authentication is not supported yet. Use Basic or NTLM over HTTPS, or NTLM over HTTP (with message encryption).`,
  );
}

export function insecureBasic(host: string): WinrmError {
  return new WinrmError(
    'INSECURE_BASIC_OVER_HTTP',
    host,
    `Refusing Basic authentication over plain HTTP to ${host}: it would send the password in clear. Use HTTPS (port 5986) or NTLM, which encrypts every message over HTTP.`,
  );
}

export function commandLineTooLong(host: string, length: number): WinrmError {
  return new WinrmError(
    'COMMAND_LINE_TOO_LONG',
    host,
    `The command line for ${host} has ${length} characters; cmd.exe accepts at most 8191. Pass long input through stdin instead.`,
  );
}

/** A Node socket/DNS error raised while connecting or talking to `target` (`name:port` actually dialled). */
export function networkError(host: string, target: string, e: unknown): WinrmError {
  if (e instanceof WinrmError) return e;
  const err = e as NodeJS.ErrnoException & { hostname?: string };
  const code = err?.code ?? '';
  const detail = code || (err instanceof Error ? err.message : String(e));
  switch (code) {
    case 'ENOTFOUND':
      return new WinrmError(
        'DNS_NOT_FOUND',
        host,
        `${err.hostname ?? target} is not known to DNS. Check the host name (or its "connect to" override) and the DNS suffix.`,
        { detail },
      );
    case 'EAI_AGAIN':
      return new WinrmError(
        'DNS_FAILED',
        host,
        `DNS did not answer for ${err.hostname ?? target}; try again, or check the DNS servers.`,
        { detail },
      );
    case 'ECONNREFUSED':
      return new WinrmError(
        'TCP_REFUSED',
        host,
        `${target} refused the connection: WinRM is not listening on that port. Run "winrm quickconfig" (HTTP 5985) or create an HTTPS listener (5986), and check the firewall.`,
        { detail },
      );
    case 'ETIMEDOUT':
    case 'ECONNECT_TIMEOUT':
      return new WinrmError(
        'TCP_TIMEOUT',
        host,
        `No answer from ${target}: the host is down or a firewall drops WinRM traffic (TCP 5985/5986).`,
        { detail },
      );
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new WinrmError(
        'TCP_UNREACHABLE',
        host,
        `${target} cannot be reached from this server (no route).`,
        { detail },
      );
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'ERR_STREAM_PREMATURE_CLOSE':
    case 'HPE_INVALID_CONSTANT':
      return new WinrmError(
        'TCP_RESET',
        host,
        `${target} closed the connection in the middle of a request.`,
        { detail },
      );
    default:
      if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /ssl|tls/i.test(detail)) {
        const reason = (err as { reason?: unknown }).reason;
        return tlsHandshakeFailed(
          host,
          target,
          typeof reason === 'string' ? `${code}: ${reason}` : detail,
        );
      }
      return new WinrmError('TCP_RESET', host, `The connection to ${target} failed (${detail}).`, {
        detail,
      });
  }
}

export function tlsHandshakeFailed(host: string, target: string, detail: string): WinrmError {
  const plainHttp =
    /wrong[ _]version[ _]number|packet[ _]length[ _]too[ _]long|http[ _]request/i.test(detail);
  return new WinrmError(
    'TLS_HANDSHAKE_FAILED',
    host,
    plainHttp
      ? `${target} does not speak TLS: it is probably the HTTP listener (5985). Use port 5986 for HTTPS, or choose HTTP with NTLM.`
      : `The TLS handshake with ${target} failed (${detail}).`,
    { detail },
  );
}

function namesText(cert: PeerCertificateSummary | undefined): string {
  if (!cert) return 'no names could be read';
  return cert.names.length > 0 ? cert.names.join(', ') : 'no host names at all';
}

/**
 * A certificate verification failure; `reason` is OpenSSL's/Node's code (DEPTH_ZERO_SELF_SIGNED_CERT,
 * ERR_TLS_CERT_ALTNAME_INVALID, ...). Lists the names the presented certificate does cover.
 */
export function tlsVerifyError(
  host: string,
  reason: string,
  cert: PeerCertificateSummary | undefined,
): WinrmError {
  const details: WinrmErrorDetails = { detail: reason, ...(cert ? { certificate: cert } : {}) };
  const covers = `The certificate covers: ${namesText(cert)}.`;
  if (reason === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new WinrmError(
      'TLS_NAME_MISMATCH',
      host,
      `The certificate of ${host} is not issued for the name "${host}". ${covers} Connect with one of those names (or use a "connect to" override while keeping the host name), or reissue the certificate.`,
      details,
    );
  }
  if (reason === 'CERT_HAS_EXPIRED' || reason === 'CERT_NOT_YET_VALID') {
    return new WinrmError(
      'TLS_EXPIRED',
      host,
      `The certificate of ${host} ${reason === 'CERT_HAS_EXPIRED' ? `expired on ${cert?.notAfter ?? '(unknown)'}` : `is valid only from ${cert?.notBefore ?? '(unknown)'}`}. Renew the WinRM HTTPS listener's certificate (or check the clocks). ${covers}`,
      details,
    );
  }
  const untrusted = new Set([
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_UNTRUSTED',
    'CERT_SIGNATURE_FAILURE',
  ]);
  if (untrusted.has(reason)) {
    return new WinrmError(
      'TLS_UNTRUSTED',
      host,
      `The certificate of ${host} (issued by "${cert?.issuer ?? 'unknown'}") is not trusted: ${reason === 'DEPTH_ZERO_SELF_SIGNED_CERT' ? 'it is self-signed' : 'its issuer is not a trusted CA'}. ${covers} Add the issuing CA to the deployment's trusted CA bundle, or pin the certificate's thumbprint${cert ? ` (${cert.thumbprint})` : ''}.`,
      details,
    );
  }
  return new WinrmError(
    'TLS_HANDSHAKE_FAILED',
    host,
    `The certificate of ${host} was refused (${reason}). ${covers}`,
    details,
  );
}

export function thumbprintMismatch(
  host: string,
  expected: string,
  cert: PeerCertificateSummary,
): WinrmError {
  return new WinrmError(
    'TLS_THUMBPRINT_MISMATCH',
    host,
    `The certificate of ${host} has thumbprint ${cert.thumbprint}, not the pinned ${expected}. The listener's certificate was replaced, or this is not the expected server. The certificate covers: ${namesText(cert)}.`,
    { certificate: cert },
  );
}

export function unauthorized(host: string, used: string, offered: string[]): WinrmError {
  const offers = offered.length > 0 ? offered.join(', ') : 'no scheme at all';
  const lower = offered.map((s) => s.toLowerCase());
  let hint: string;
  if (used === 'Basic' && !lower.includes('basic')) {
    hint =
      'Basic authentication is disabled on the WinRM service: choose NTLM, or enable it (winrm set winrm/config/service/auth @{Basic="true"}; local accounts only).';
  } else if (used === 'NTLM' && !lower.includes('negotiate') && !lower.includes('ntlm')) {
    hint = 'Negotiate is disabled on the WinRM service: enable it or choose Basic over HTTPS.';
  } else {
    hint =
      'Check the user name (DOMAIN\\user or user@domain) and the password, and that the account is not locked out.';
  }
  return new WinrmError(
    'HTTP_UNAUTHORIZED',
    host,
    `${host} refused the ${used} credentials (HTTP 401). The server offers: ${offers}. ${hint}`,
    { status: 401, offeredSchemes: offered },
  );
}

export function httpStatusError(host: string, status: number, bodyExcerpt: string): WinrmError {
  let hint = '';
  if (status === 404) hint = ' The path is not /wsman, or this is not a WinRM listener.';
  else if (status === 403) hint = ' The listener refused the client (IP filter or HTTPS required).';
  else if (status === 413) hint = ' The request exceeds MaxEnvelopeSizekb.';
  else if (status === 503)
    hint = ' The WinRM service is not available (starting, stopping or overloaded).';
  return new WinrmError(
    'HTTP_ERROR',
    host,
    `${host} answered HTTP ${status} without a WS-Man fault.${hint}`,
    {
      status,
      ...(bodyExcerpt ? { detail: bodyExcerpt.slice(0, 200) } : {}),
    },
  );
}

export function httpTimeout(host: string, ms: number): WinrmError {
  return new WinrmError(
    'HTTP_TIMEOUT',
    host,
    `${host} did not answer within ${Math.round(ms / 1000)} s.`,
  );
}

export function ntlmFailed(host: string, e: unknown): WinrmError {
  const text = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown })?.code;
  return new WinrmError('NTLM_FAILED', host, `NTLM with ${host} failed: ${text}`, {
    ...(typeof code === 'string' ? { detail: code } : {}),
  });
}

export function protocolError(host: string, what: string): WinrmError {
  return new WinrmError(
    'PROTOCOL_ERROR',
    host,
    `${host} sent an answer this client does not understand: ${what}`,
  );
}

export const WSMAN_CODE = {
  ACCESS_DENIED: 5,
  TIMED_OUT: 2150858793,
  SHELL_NOT_FOUND: 2150858843,
  TOO_MANY_COMMANDS: 2150859174,
  MAX_SHELLS: 2150859173,
  OUT_OF_MEMORY: 2150859250,
} as const;

export function faultError(host: string, fault: WsmanFault, status: number): WinrmError {
  const text = (fault.message || fault.reason || `${fault.code}/${fault.subcode}`).trim();
  const details: WinrmErrorDetails = { status, fault };
  const code = fault.wsmanCode;
  if (code === WSMAN_CODE.TIMED_OUT || fault.subcode === 'TimedOut') {
    return new WinrmError(
      'WSMAN_OPERATION_TIMEOUT',
      host,
      `${host}: no output within the operation timeout (${text})`,
      details,
    );
  }
  if (code === WSMAN_CODE.SHELL_NOT_FOUND) {
    return new WinrmError(
      'WSMAN_SHELL_NOT_FOUND',
      host,
      `${host} no longer has the remote shell (it expired or WinRM restarted): ${text}`,
      details,
    );
  }
  if (code === WSMAN_CODE.ACCESS_DENIED || fault.subcode === 'AccessDenied') {
    return new WinrmError(
      'WSMAN_ACCESS_DENIED',
      host,
      `${host} authenticated the account but denied access: ${text} The account must be a local administrator on ${host} (or in Remote Management Users).`,
      details,
    );
  }
  if (
    code === WSMAN_CODE.TOO_MANY_COMMANDS ||
    code === WSMAN_CODE.MAX_SHELLS ||
    code === WSMAN_CODE.OUT_OF_MEMORY ||
    fault.subcode === 'QuotaLimit'
  ) {
    return new WinrmError(
      'WSMAN_QUOTA_EXCEEDED',
      host,
      `${host} refused: a WinRM quota is exhausted (${text}). Close leftover sessions or raise MaxShellsPerUser / MaxMemoryPerShellMB.`,
      details,
    );
  }
  return new WinrmError(
    'WSMAN_FAULT',
    host,
    `${host} returned a WS-Man fault${code !== null ? ` ${code}` : ''}: ${text}`,
    details,
  );
}

export function outputTooLarge(host: string, limit: number): WinrmError {
  const size = limit >= 1048576 ? `${Math.round(limit / 1048576)} MiB` : `${limit} bytes`;
  return new WinrmError(
    'OUTPUT_TOO_LARGE',
    host,
    `The command on ${host} wrote more than ${size} of output (maxOutputBytes); it was terminated and its shell closed. Stream large output with onStdout/onStderr, or raise maxOutputBytes.`,
    { detail: String(limit) },
  );
}

export function commandTimeout(host: string, ms: number): WinrmError {
  return new WinrmError(
    'COMMAND_TIMEOUT',
    host,
    `The command on ${host} did not finish within ${Math.round(ms / 1000)} s; it was terminated and its shell closed.`,
  );
}

export function cancelled(host: string): WinrmError {
  return new WinrmError(
    'CANCELLED',
    host,
    `The command on ${host} was cancelled; it was terminated and its shell closed.`,
  );
}

export function clientClosed(host: string): WinrmError {
  return new WinrmError('CLIENT_CLOSED', host, `The WinRM client for ${host} is closed.`);
}

export function powershellNotStarted(
  host: string,
  why: string,
  details: WinrmErrorDetails = {},
): WinrmError {
  return new WinrmError(
    'POWERSHELL_NOT_STARTED',
    host,
    `PowerShell did not start on ${host}: ${why}`,
    details,
  );
}

export function scriptFailed(
  host: string,
  record: ClixmlRecord,
  details: WinrmErrorDetails = {},
): WinrmError {
  const where =
    record.line !== null
      ? ` (script line ${record.line}${record.position !== null ? `, char ${record.position}` : ''})`
      : '';
  return new WinrmError(
    'POWERSHELL_SCRIPT_FAILED',
    host,
    `The script failed on ${host}${where}: ${record.message}`,
    {
      ...details,
      records: details.records ?? [record],
    },
  );
}

export function badResult(host: string, why: string, details: WinrmErrorDetails = {}): WinrmError {
  return new WinrmError('POWERSHELL_BAD_RESULT', host, `The script on ${host} ${why}`, details);
}

// ---------------------------------------------------------------------------------------------
// Redaction: the last line of defence, applied by the client to everything it throws.

/** Secrets shorter than this are not replaced: a 1-2 character "secret" would shred every message. */
const MIN_SECRET_LENGTH = 3;

export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < MIN_SECRET_LENGTH) continue;
    out = out.split(s).join('***');
  }
  return out;
}

function redactValue<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return redactText(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactValue(v, secrets)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, secrets);
    return out as T;
  }
  return value;
}

/** Converts anything thrown into a WinrmError whose message, details and stack hold no secret. */
export function redactError(e: unknown, host: string, secrets: readonly string[]): WinrmError {
  const err =
    e instanceof WinrmError
      ? e
      : new WinrmError(
          'PROTOCOL_ERROR',
          host,
          `Unexpected failure talking to ${host}: ${e instanceof Error ? e.message : String(e)}`,
        );
  const clean = new WinrmError(
    err.code,
    err.host,
    redactText(err.message, secrets),
    redactValue(err.details, secrets),
  );
  clean.stack = redactText(err.stack ?? '', secrets).replace(err.message, clean.message);
  return clean;
}
