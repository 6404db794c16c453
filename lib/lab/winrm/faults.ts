/**
 * The WS-Management faults the lab's WinRM service answers with, in Windows' words and codes.
 * Clients key on the WSManFault Code (pywinrm retries 2150858793 forever; WinRb and others reopen
 * the shell on 2150858843), so the codes are the exact `wsmerror.h` values. Reason texts are the
 * ones Windows sends (captured in public client test fixtures), trailing spaces included where
 * Windows has them. Where no capture exists the text follows the wsmerror.h message, marked below.
 */

export type FaultCode = 's:Sender' | 's:Receiver';

export interface WsmanFaultInit {
  code: FaultCode;
  /** e.g. `w:TimedOut`; the prefix is one the fault envelope declares (w, a, p). */
  subcode: string;
  reason: string;
  /** The WSManFault Code attribute, decimal. */
  wsmanCode: number;
  /** f:Message when it differs from the reason. */
  message?: string;
  /** HTTP status; Windows sends WS-Man faults with 500. */
  httpStatus?: number;
}

export class WsmanFault extends Error {
  readonly code: FaultCode;
  readonly subcode: string;
  readonly reason: string;
  readonly wsmanCode: number;
  readonly detailMessage: string;
  readonly httpStatus: number;

  constructor(init: WsmanFaultInit) {
    super(init.reason.trim());
    this.name = 'WsmanFault';
    this.code = init.code;
    this.subcode = init.subcode;
    this.reason = init.reason;
    this.wsmanCode = init.wsmanCode;
    this.detailMessage = init.message ?? init.reason;
    this.httpStatus = init.httpStatus ?? 500;
  }
}

export function isWsmanFault(e: unknown): e is WsmanFault {
  return e instanceof WsmanFault;
}

/** wsmerror.h values used here (decimal, as the WSManFault Code attribute carries them). */
export const WsmanCode = {
  ACCESS_DENIED: 5,
  OPERATION_ABORTED: 995,
  RESOURCE_NOT_FOUND: 2150858752,
  ACTION_NOT_SUPPORTED: 2150858771,
  UNSUPPORTED_TIMEOUT: 2150858764,
  OPERATION_TIMEDOUT: 2150858793,
  INVALID_SELECTORS: 2150858813,
  SCHEMA_VALIDATION_ERROR: 2150858817,
  MAX_ENVELOPE_SIZE: 2150858823,
  MAX_ENVELOPE_SIZE_EXCEEDED: 2150858824,
  UNEXPECTED_SELECTORS: 2150858843,
  CODE_PAGE_NOT_SUPPORTED: 2150859072,
  INVALID_COMMAND_HANDLE: 2150859085,
  QUOTA_MAX_SHELLS: 2150859173,
} as const;

/** Receive found no output within OperationTimeout (verbatim Windows text, two trailing spaces). */
export function timedOutFault(): WsmanFault {
  return new WsmanFault({
    code: 's:Receiver',
    subcode: 'w:TimedOut',
    reason:
      'The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  ',
    wsmanCode: WsmanCode.OPERATION_TIMEDOUT,
  });
}

/** A ShellId that is not (or no longer) on the server: closed, expired or never issued. */
export function shellNotFoundFault(shellId: string): WsmanFault {
  return new WsmanFault({
    code: 's:Sender',
    subcode: 'w:InvalidSelectors',
    reason: `The request for the Windows Remote Shell with ShellId ${shellId} failed because the shell was not found on the server. Possible causes are: the specified ShellId is incorrect or the shell no longer exists on the server. Provide the correct ShellId or create a new shell and retry the operation. `,
    wsmanCode: WsmanCode.UNEXPECTED_SELECTORS,
  });
}

/** A request on a shell that names no ShellId selector at all. */
export function missingSelectorFault(): WsmanFault {
  return new WsmanFault({
    code: 's:Sender',
    subcode: 'w:InvalidSelectors',
    reason:
      'The WS-Management service cannot process the request because the request contained invalid selectors for the resource. ',
    wsmanCode: WsmanCode.INVALID_SELECTORS,
  });
}

/** Authenticated, but not allowed by the listener's SDDL (default: Administrators only). */
export function accessDeniedFault(): WsmanFault {
  return new WsmanFault({
    code: 's:Sender',
    subcode: 'w:AccessDenied',
    reason: 'Access is denied. ',
    wsmanCode: WsmanCode.ACCESS_DENIED,
  });
}

/** Not well-formed XML, or a well-formed envelope missing what the operation needs. */
export function schemaFault(detail?: string): WsmanFault {
  const reason =
    'The SOAP XML in the message does not match the corresponding XML schema definition. Change the XML and retry. ';
  return new WsmanFault({
    code: 's:Sender',
    subcode: 'w:SchemaValidationError',
    reason,
    wsmanCode: WsmanCode.SCHEMA_VALIDATION_ERROR,
    message: detail ? `${reason}${detail} ` : reason,
  });
}

/** An a:Action the shell resource does not implement (wsmerror.h text). */
export function actionNotSupportedFault(action: string): WsmanFault {
  return new WsmanFault({
    code: 's:Sender',
    subcode: 'a:ActionNotSupported',
    reason: `The WS-Management service cannot process the request because the action ${action} is not supported. `,
    wsmanCode: WsmanCode.ACTION_NOT_SUPPORTED,
  });
}

/** A ResourceURI other than the cmd shell (the lab has no PowerShell/PSRP or WMI resources). */
export function resourceNotFoundFault(resourceUri: string): WsmanFault {
  return new WsmanFault({
    code: 's:Sender',
    subcode: 'w:DestinationUnreachable',
    reason: `The WS-Management service cannot process the request. The resource URI (${resourceUri}) was not found in the WS-Management catalog. The catalog contains the metadata that describes resources, or logical endpoints. `,
    wsmanCode: WsmanCode.RESOURCE_NOT_FOUND,
  });
}

/** OperationTimeout above the service's MaxTimeoutms (default 60000); wsmerror.h text. */
export function unsupportedTimeoutFault(maxTimeoutMs: number): WsmanFault {
  return new WsmanFault({
    code: 's:Sender',
    subcode: 'w:UnsupportedTimeout',
    reason: `The WS-Management service cannot process the request because the timeout specified is not valid. The OperationTimeout exceeds the MaxTimeoutms of ${maxTimeoutMs}. `,
    wsmanCode: WsmanCode.UNSUPPORTED_TIMEOUT,
  });
}

/** w:MaxEnvelopeSize below what any response needs (Windows' floor is 8192); wsmerror.h text. */
export function envelopeTooSmallFault(): WsmanFault {
  return new WsmanFault({
    code: 's:Sender',
    subcode: 'w:EncodingLimit',
    reason:
      'The WS-Management service cannot process the request because the envelope size in the request is too small. ',
    wsmanCode: WsmanCode.MAX_ENVELOPE_SIZE,
  });
}

/** A response that cannot fit the client's MaxEnvelopeSize (Windows' own words). */
export function responseTooLargeFault(size: number, max: number): WsmanFault {
  return new WsmanFault({
    code: 's:Receiver',
    subcode: 'w:EncodingLimit',
    reason: `The WS-Management service cannot process the request. The computed response packet size (${size}) exceeds the maximum envelope size that is allowed (${max}). `,
    wsmanCode: WsmanCode.MAX_ENVELOPE_SIZE_EXCEEDED,
  });
}

/** MaxShellsPerUser reached: how leaked shells show up (InternalError, as the checklist says). */
export function maxShellsFault(max: number): WsmanFault {
  return new WsmanFault({
    code: 's:Receiver',
    subcode: 'w:InternalError',
    reason: `The WS-Management service cannot process the request. This user is allowed a maximum number of ${max} concurrent shells, which has been exceeded. Close existing shells or raise the quota for this user. `,
    wsmanCode: WsmanCode.QUOTA_MAX_SHELLS,
  });
}

/** Receive, Send or Signal naming a CommandId the shell does not have. */
export function commandNotFoundFault(): WsmanFault {
  return new WsmanFault({
    code: 's:Sender',
    subcode: 'w:InvalidParameter',
    reason:
      'The Windows Remote Shell received a request to perform an operation on a command identifier that does not exist. Either the command has completed execution or the client specified an invalid command identifier. Provide the correct command identifier and try again. ',
    wsmanCode: WsmanCode.INVALID_COMMAND_HANDLE,
  });
}

/** A Receive that was waiting when its shell or command went away (Delete, terminate, idle expiry). */
export function operationAbortedFault(): WsmanFault {
  return new WsmanFault({
    code: 's:Receiver',
    subcode: 'w:InternalError',
    reason:
      'The I/O operation has been aborted because of either a thread exit or an application request. ',
    wsmanCode: WsmanCode.OPERATION_ABORTED,
  });
}

/** WINRS_CODEPAGE that is not a number Windows knows. */
export function codePageFault(codepage: string): WsmanFault {
  return new WsmanFault({
    code: 's:Sender',
    subcode: 'w:InvalidOptions',
    reason: `The WinRM Shell client cannot process the request. The code page ${codepage} is not supported. `,
    wsmanCode: WsmanCode.CODE_PAGE_NOT_SUPPORTED,
  });
}
