/** Elements of MasterSettings.config, as documented (reference §1.2). */
export const MASTER_SETTING_NAMES = [
  'PortNumber',
  'SSLCertThumbprint',
  'SqlServerName',
  'CleanupCompletedJobsIntervalInMs',
  'DealWithExpiredTasksIntervalInMs',
  'MasterHeartbeatIntervalInMs',
  'SqlConnectionTimeoutInSecs',
] as const;

/** Elements of WorkerSettings.config, as documented (reference §1.3), with the current spelling. */
export const WORKER_SETTING_NAMES = [
  'DisplayName',
  'Description',
  'MasterEndpoint',
  'MasterHttpsCertThumbprint',
  'WorkerHttpsCertThumbprint',
  'StoreLocation',
  'StoreName',
  'AgentHeartbeatInterval',
  'TaskHeartbeatInterval',
  'HeartbeatErrorTolerance',
  'TaskRequestMaxCPU',
  'TaskRequestMinMemory',
  'MaxTaskCount',
  'LeaseInterval',
  'TasksRootFolder',
  'TaskLogLevel',
  'TaskLogSegment',
  'TaskLogEnabled',
  'ExecutionLogCacheFolder',
  'ExecutionLogMaxBufferLogCount',
  'ExecutionLogMaxInMemoryBufferCount',
  'ExecutionLogRetryCount',
  'ExecutionLogRetryTimeout',
  'AgentId',
] as const;

export type MasterSettingName = (typeof MASTER_SETTING_NAMES)[number];
export type WorkerSettingName = (typeof WORKER_SETTING_NAMES)[number];
export type SettingName = MasterSettingName | WorkerSettingName;

/**
 * The English docs print `HeartbeatErrorTollerance` and `LeaseInternval`, the localized ones the
 * correct spelling, and nobody has confirmed which one the real file uses. Both are read and an
 * edit goes to whichever spelling the file has; neither is ever generated.
 */
export const SPELLING_VARIANTS: Readonly<Partial<Record<SettingName, readonly string[]>>> = {
  HeartbeatErrorTolerance: ['HeartbeatErrorTolerance', 'HeartbeatErrorTollerance'],
  LeaseInterval: ['LeaseInterval', 'LeaseInternval'],
};

const ALL_KNOWN: ReadonlySet<string> = new Set<string>([
  ...MASTER_SETTING_NAMES,
  ...WORKER_SETTING_NAMES,
  ...Object.values(SPELLING_VARIANTS).flat(),
]);

const SETTING_NAMES: ReadonlySet<string> = new Set<string>([
  ...MASTER_SETTING_NAMES,
  ...WORKER_SETTING_NAMES,
]);

/** A documented setting name in its current spelling (the names `applyEdits` accepts). */
export function isSettingName(name: string): name is SettingName {
  return SETTING_NAMES.has(name);
}

/** The local names under which a setting may appear in a file. */
export function spellingsOf(name: SettingName): readonly string[] {
  return SPELLING_VARIANTS[name] ?? [name];
}

/** The documented name for a local name found in a file (`LeaseInternval` → `LeaseInterval`). */
export function canonicalName(localName: string): string {
  for (const [canonical, spellings] of Object.entries(SPELLING_VARIANTS)) {
    if (spellings?.includes(localName)) return canonical;
  }
  return localName;
}

export function isKnownSetting(localName: string): boolean {
  return ALL_KNOWN.has(localName);
}

/** Elements whose spelling is unconfirmed: an edit may change them but never create them. */
export function hasUnconfirmedSpelling(name: SettingName): boolean {
  return SPELLING_VARIANTS[name] !== undefined;
}
