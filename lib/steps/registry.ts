// The one place the nine steps of "Scale Out support for high availability" are listed, in the
// document's order. The stepper, navigation, overview, routes and the e2e page objects read it.
export const STEPS = [
  {
    slug: 'prereqs',
    title: 'Prerequisites',
    summary:
      'Every master node has the Failover Clustering feature and its tools, all of them sit Up in one Windows failover cluster, Always On is enabled on each SQL Server instance, and the names you plan for the listener and the master client access point are still free.',
  },
  {
    slug: 'primary',
    title: 'Install Scale Out Master on the primary',
    summary:
      'The Scale Out Master service is installed on the primary node under a domain account, its TLS certificate sits in LocalMachine\\Root, is bound to the master port and names the master service DNS host name, and Scale Out is enabled, once, in the SSISDB catalog on the primary.',
  },
  {
    slug: 'secondary',
    title: 'Install Scale Out Master on the secondary nodes',
    summary:
      'Every other master node gets the same master service with the very same certificate, exported with its private key from the primary, so that any node can answer workers after a failover.',
  },
  {
    slug: 'always-on',
    title: 'SSISDB in Always On',
    summary:
      'SSISDB joins an availability group with healthy replicas and a listener, the database master key opens on the secondaries, and Always On support for SSISDB is enabled.',
  },
  {
    slug: 'config',
    title: 'MasterSettings.config',
    summary:
      'On every master node, SqlServerName in MasterSettings.config points at the availability group listener and its port, and the master service is restarted where it runs.',
  },
  {
    slug: 'logging',
    title: 'Execution logging',
    summary:
      'Workers write execution logs through the listener: mixed-mode authentication on every replica, and the logging login with one known password and the same SID on every replica.',
  },
  {
    slug: 'cluster-role',
    title: 'Cluster role',
    summary:
      'The master service becomes a Generic Service role in the cluster, with the master DNS host name and static IP as its client access point and every master node a possible owner.',
  },
  {
    slug: 'master-address',
    title: 'Master address',
    summary:
      'SSISDB records the master address as https://<master DNS host name>:<port>, and that endpoint answers over TLS with the shared certificate.',
  },
  {
    slug: 'workers',
    title: 'Add Scale Out Workers',
    summary:
      "Each worker trusts the master's certificate, each worker's certificate is trusted on every master node, WorkerSettings.config points at the master endpoint, and the worker is enabled and online.",
  },
] as const;

export type StepDefinition = (typeof STEPS)[number];
export type StepSlug = StepDefinition['slug'];

export const STEP_STATUSES = ['not-checked', 'failing', 'ready', 'applied', 'verified'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const STEP_STATUS_LABELS: Record<StepStatus, string> = {
  'not-checked': 'Not checked',
  failing: 'Failing',
  ready: 'Ready to apply',
  applied: 'Applied',
  verified: 'Verified',
};

export function isStepSlug(value: string): value is StepSlug {
  return STEPS.some((s) => s.slug === value);
}

export function getStep(slug: StepSlug): StepDefinition {
  const step = STEPS.find((s) => s.slug === slug);
  if (!step) throw new Error(`Unknown step ${slug}`);
  return step;
}

export function stepIndex(slug: StepSlug): number {
  return STEPS.findIndex((s) => s.slug === slug);
}

export function nextStep(slug: StepSlug): StepDefinition | undefined {
  return STEPS[stepIndex(slug) + 1];
}

export function prevStep(slug: StepSlug): StepDefinition | undefined {
  const i = stepIndex(slug);
  return i > 0 ? STEPS[i - 1] : undefined;
}
