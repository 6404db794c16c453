// A Windows error as a cmdlet would report it: message, ErrorCategory, the FullyQualifiedErrorId
// Windows uses (`ErrorId,Implementing.Command.Type`) and the .NET exception type name. The
// PowerShell module rebuilds a real ErrorRecord from these fields.

export type ErrorCategoryName =
  | 'NotSpecified'
  | 'OpenError'
  | 'ConnectionError'
  | 'InvalidArgument'
  | 'InvalidData'
  | 'InvalidOperation'
  | 'InvalidResult'
  | 'MetadataError'
  | 'NotImplemented'
  | 'NotInstalled'
  | 'ObjectNotFound'
  | 'OperationStopped'
  | 'PermissionDenied'
  | 'ResourceExists'
  | 'ResourceUnavailable'
  | 'SecurityError'
  | 'WriteError';

/** Exception types the module knows how to construct (others become System.Exception). */
export type ExceptionTypeName =
  | 'Exception'
  | 'InvalidOperationException'
  | 'ArgumentException'
  | 'UnauthorizedAccessException'
  | 'CryptographicException'
  | 'Win32Exception'
  | 'ItemNotFoundException'
  | 'CimException'
  | 'ClusterCmdletException';

export interface WinErrorInit {
  /** FullyQualifiedErrorId as Windows shows it. */
  id: string;
  category?: ErrorCategoryName;
  exception?: ExceptionTypeName;
  /** Text for CategoryInfo's target (a service name, a path). */
  target?: string;
  /** Win32 error code or HRESULT carried by the exception. */
  code?: number;
}

export class WinError extends Error {
  override readonly name = 'WinError';
  readonly id: string;
  readonly category: ErrorCategoryName;
  readonly exception: ExceptionTypeName;
  readonly target: string | undefined;
  readonly code: number | undefined;

  constructor(message: string, init: WinErrorInit) {
    super(message);
    this.id = init.id;
    this.category = init.category ?? 'NotSpecified';
    this.exception = init.exception ?? 'Exception';
    this.target = init.target;
    this.code = init.code;
  }

  toJSON(): { message: string; id: string; category: string; exception: string; target?: string; code?: number } {
    return {
      message: this.message,
      id: this.id,
      category: this.category,
      exception: this.exception,
      ...(this.target === undefined ? {} : { target: this.target }),
      ...(this.code === undefined ? {} : { code: this.code }),
    };
  }
}

/** Win32 messages (FormatMessage text) the simulation reports. */
export const WIN32 = {
  2: 'The system cannot find the file specified.',
  5: 'Access is denied.',
  87: 'The parameter is incorrect.',
  183: 'Cannot create a file when that file already exists.',
  1056: 'An instance of the service is already running.',
  1058: 'The service cannot be started, either because it is disabled or because it has no enabled devices associated with it.',
  1062: 'The service has not been started.',
  1069: 'The service did not start due to a logon failure.',
  1312: 'A specified logon session does not exist. It may already have been terminated.',
  1722: 'The RPC server is unavailable.',
  5005: 'A cluster node is not available for this operation.',
  5007: 'The cluster resource could not be found.',
  5013: 'The cluster group could not be found.',
  5042: 'The cluster node was not found.',
  5071: 'This cluster node cannot host the resource.',
} as const;
