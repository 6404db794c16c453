// The one place where certificate failures get a code and a message a DBA can act on.
// Messages name the file or field (the caller's `label`) and never contain a password.

export type CertErrorCode =
  | 'CERT_UNREADABLE' // not a certificate in any supported format, or damaged
  | 'CERT_UNSUPPORTED_FORMAT' // recognised, but not something we load (PKCS#7 bundle, CSR, key only)
  | 'PFX_PASSWORD_REQUIRED' // a PFX that needs a password and none was given
  | 'PFX_BAD_PASSWORD' // wrong password (or a PFX damaged so its integrity check fails)
  | 'PFX_UNSUPPORTED_ENCRYPTION' // e.g. RC2-128, or an unknown PBE scheme
  | 'PFX_NO_CERTIFICATE' // a PFX with keys but no certificate
  | 'PFX_NO_KEY' // the private key is required but the file holds none
  | 'KEY_UNREADABLE' // a separate PEM key that cannot be read or decrypted
  | 'KEY_MISMATCH' // a private key that belongs to no certificate in the file
  | 'KEY_UNSUPPORTED' // export needs an RSA key
  | 'INVALID_NAME' // a host name or IP address that cannot go into a certificate
  | 'INVALID_THUMBPRINT'
  | 'INVALID_OPTION';

export class CertError extends Error {
  override readonly name = 'CertError';
  readonly code: CertErrorCode;
  /** What the error is about (a file name, a form field), as the caller passed it. */
  readonly label: string | undefined;

  constructor(code: CertErrorCode, message: string, options?: { label?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.label = options?.label;
  }

  /** Safe to log or return to the browser: no stack, no cause chain. */
  toJSON(): { name: string; code: CertErrorCode; message: string; label?: string } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.label === undefined ? {} : { label: this.label }),
    };
  }
}

export function isCertError(e: unknown, code?: CertErrorCode): e is CertError {
  return e instanceof CertError && (code === undefined || e.code === code);
}

/** "The certificate file 'x.pfx'" or a neutral subject when no label was given. */
export function subjectFor(label: string | undefined, fallback = 'The certificate file'): string {
  return label === undefined || label.trim() === '' ? fallback : `${fallback} '${label}'`;
}

const messages: Record<CertErrorCode, (subject: string) => string> = {
  CERT_UNREADABLE: (s) =>
    `${s} could not be read as a certificate. Supported formats are PEM (-----BEGIN CERTIFICATE-----), ` +
    `DER (.cer) and PFX/PKCS#12 (.pfx, .p12). The file may be damaged or truncated: export it again ` +
    `(certlm.msc > the certificate > All Tasks > Export) and upload the new file.`,
  CERT_UNSUPPORTED_FORMAT: (s) =>
    `${s} is not a single certificate in a format this wizard loads. Export the certificate itself ` +
    `as "DER encoded binary X.509 (.CER)", or with its private key as a .pfx file.`,
  PFX_PASSWORD_REQUIRED: (s) =>
    `${s} is protected by a password. Enter the password that was set when the PFX was exported.`,
  PFX_BAD_PASSWORD: (s) =>
    `The password for ${lower(s)} is wrong, or the file was damaged after export. Check the password ` +
    `(it is case-sensitive) or export the PFX again.`,
  PFX_UNSUPPORTED_ENCRYPTION: (s) =>
    `${s} is encrypted with an algorithm this wizard cannot read. Export it again from Windows with ` +
    `"Encryption: AES256-SHA256" (or TripleDES-SHA1 on older Windows).`,
  PFX_NO_CERTIFICATE: (s) =>
    `${s} contains no certificate. Export the certificate together with its private key.`,
  PFX_NO_KEY: (s) =>
    `${s} contains no private key, but one is needed here. Export the certificate again with ` +
    `"Yes, export the private key" (the key must have been created as exportable).`,
  KEY_UNREADABLE: (s) =>
    `${s} could not be read as a private key, or its passphrase is wrong. Supply an unencrypted ` +
    `PEM key, or the correct passphrase.`,
  KEY_MISMATCH: (s) =>
    `The private key in ${lower(s)} does not belong to the certificate. Export the certificate and ` +
    `its own private key together as one PFX.`,
  KEY_UNSUPPORTED: (s) =>
    `${s} has a key type this wizard cannot export (only RSA keys are exported).`,
  INVALID_NAME: (s) => `${s} is not a valid DNS host name or IP address.`,
  INVALID_THUMBPRINT: (s) =>
    `${s} is not a certificate thumbprint: a thumbprint is 40 hexadecimal characters ` +
    `(0-9, A-F), as shown on the Details tab of the certificate dialog.`,
  INVALID_OPTION: (s) => `${s} is not valid.`,
};

function lower(subject: string): string {
  return subject.charAt(0).toLowerCase() + subject.slice(1);
}

/** Build the standard error for `code`, naming `label` (a file or field) when given. */
export function certError(
  code: CertErrorCode,
  options?: { label?: string; subject?: string; detail?: string; cause?: unknown },
): CertError {
  const subject = options?.subject ?? subjectFor(options?.label);
  const base = messages[code](subject);
  const message = options?.detail === undefined ? base : `${base} (${options.detail})`;
  return new CertError(code, message, { label: options?.label, cause: options?.cause });
}
