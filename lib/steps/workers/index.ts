// Step 9, "Add Scale Out Workers": each worker trusts the master certificate, each worker's
// certificate is trusted in LocalMachine\Root on every master node (or it gets 403 after a
// failover), WorkerSettings.config points at the master's client access point and certificate,
// and the worker is registered, enabled and online in SSISDB.catalog.worker_agents.
import 'server-only';
import type { StepModule } from '@/lib/engine/types';
import type { StepContext } from '@/lib/steps/context';
import { apply } from './apply';
import { plan } from './plan';
import { probe } from './probe';

export const step: StepModule<StepContext> = { slug: 'workers', probe, plan, apply };
