export {
  applyEdits,
  type EditOptions,
  type EditResult,
  type EditWarning,
  type SettingEdit,
} from './edit';
export type { FileEncoding } from './encoding';
export { isSettingsError, SettingsError, type SettingsErrorCode } from './errors';
export {
  MASTER_SETTING_NAMES,
  SPELLING_VARIANTS,
  isSettingName,
  WORKER_SETTING_NAMES,
  type MasterSettingName,
  type SettingName,
  type WorkerSettingName,
} from './names';
export {
  getSetting,
  readMasterSettings,
  readSettings,
  readWorkerSettings,
  type MasterSettings,
  type ReadOptions,
  type SettingElement,
  type SettingsFile,
  type WorkerSettings,
} from './read';
export {
  masterEndpointSchema,
  portNumberSchema,
  sqlServerNameSchema,
  thumbprintSchema,
} from './schemas';
export { escapeXmlText } from './value';
export {
  MISSING_PORT_WARNING,
  normalizeThumbprint,
  parseMasterEndpoint,
  parsePortNumber,
  parseSqlServerName,
  type MasterEndpoint,
  type ParseResult,
  type SqlServerAddress,
} from './validate';
