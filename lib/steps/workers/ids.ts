// Stable check and operation ids of step 9, `<what>@<HOST>` like the other steps. Operations that
// act on many workers at once (so that they run in parallel) carry the worker list themselves.

export const CHECK = {
  /** The master nodes bind one shared certificate (steps 2 and 3): the one workers must trust. */
  masterCert: 'master-certificate',
  installed: 'worker-installed',
  ownCert: 'worker-certificate',
  trustsMaster: 'master-cert-in-root',
  onMasters: 'worker-cert-on-masters',
  settings: 'worker-settings',
  service: 'worker-service',
  registered: 'worker-registered',
  enabled: 'worker-enabled',
  online: 'worker-online',
} as const;

export const OP = {
  setup: 'install-worker',
  ownCert: 'worker-certificate',
  /** On one master node: the workers' certificates into LocalMachine\Root. */
  trust: 'trust-workers',
  /** On every worker that needs it, in parallel: master certificate, settings, restart. */
  attach: 'attach-workers',
  /** Through the listener: wait for the workers to register and heartbeat, enable them. */
  enable: 'enable-workers',
} as const;

export const idAt = (what: string, host: string) => `${what}@${host.toUpperCase()}`;

/** The target of an operation that covers several workers (the log names each worker). */
export const WORKERS_TARGET = 'workers';
