// lib/certs: inspect, cover-check, generate and package certificates (node-forge + node:crypto).
// Server-only as a whole (it re-exports key handling). Client components that only need the pure
// helpers import './thumbprint' or './hostnames' directly.
import 'server-only';

export { CertError, isCertError, type CertErrorCode } from './errors';
export {
  normalizeThumbprint,
  tryNormalizeThumbprint,
  cleanThumbprint,
  isThumbprint,
} from './thumbprint';
export {
  covers,
  presentedNames,
  normalizeDnsName,
  type CoverResult,
  type CertificateNames,
} from './hostnames';
export { parseIp, formatIp } from './ip';
export { loadCertificate, type LoadOptions } from './load';
export { inspectCertificate, type InspectOptions } from './x509';
export { writePfx as exportPfx, type PfxExportOptions, type PfxEncryption } from './pfx';
export {
  generateSelfSignedCertificate,
  generateMasterCertificate,
  createLabCa,
  issueLabCertificate,
  type GeneratedCertificate,
  type SelfSignedOptions,
  type MasterCertificateOptions,
  type LabCaOptions,
  type LabLeafOptions,
  type CaMaterial,
  type SignatureHash,
} from './generate';
export type {
  CertificateInfo,
  CertificateFormat,
  CertWarning,
  CertWarningCode,
  HashName,
  LoadedCertificate,
  NameAttribute,
} from './types';
