// Step 2, "Install Scale Out Master on the primary": the master service on the first master node,
// under a domain account, with a certificate in LocalMachine\Root that names the master service
// DNS host name, bound on the master port and named in MasterSettings.config; and, through SQL,
// Scale Out enabled in the SSISDB catalog on the primary (catalog.enable_scaleout, once, before HA).
import 'server-only';
import type { StepModule } from '@/lib/engine/types';
import type { StepContext } from '@/lib/steps/context';
import { apply } from './apply';
import { plan } from './plan';
import { probe } from './probe';

export const step: StepModule<StepContext> = { slug: 'primary', probe, plan, apply };
