// Step 8, "Master address": catalog.update_master_address = https://<master DNS host name>:<port>,
// read back from SSISDB, and the endpoint at that name answering over TLS with the shared master
// certificate, whose names cover the host name (a live probe from the wizard's server).
import 'server-only';
import type { StepModule } from '@/lib/engine/types';
import type { StepContext } from '../context';
import { apply } from './apply';
import { plan } from './plan';
import { probe } from './probe';

export const step: StepModule<StepContext> = { slug: 'master-address', probe, plan, apply };
