// The T-SQL the step runs and the instructions of its manual operations. The address travels as
// the parameter @a, never inside the text.
import type { StoredInventory } from '@/lib/inventory/schema';
import { quoteNString } from '@/lib/sql/quote';
import { masterUrl } from './names';

type Inv = Pick<StoredInventory, 'masterDnsName' | 'masterPort' | 'masterIp' | 'masters'>;

/** What runs, in SSISDB on the primary (reference §4.1: ssis_admin or sysadmin). */
export const UPDATE_MASTER_ADDRESS_SQL = 'EXEC catalog.update_master_address @MasterAddress = @a;';

/** What the plan shows for it. */
export const updateMasterAddressShown = (inv: Pick<StoredInventory, 'masterDnsName' | 'masterPort'>): string =>
  `USE [SSISDB];\n${UPDATE_MASTER_ADDRESS_SQL}\n-- @a = ${quoteNString(masterUrl(inv))}`;

export function endpointInstructions(inv: Inv, evidence: string): string {
  return [
    `The master endpoint ${inv.masterDnsName}:${inv.masterPort} does not answer: ${evidence}`,
    `  1. Step 7 (cluster role): the Generic Service role for the master service, with client access point ${inv.masterDnsName} (${inv.masterIp}), is Online.`,
    `  2. DNS: ${inv.masterDnsName} resolves to ${inv.masterIp} from the workers and from this wizard's host.`,
    `  3. On the owner node the master service is Running and "netsh http show sslcert ipport=0.0.0.0:${inv.masterPort}" shows the master certificate.`,
    `  4. The firewall on every master node (${inv.masters.map((m) => m.hostName).join(', ')}) allows TCP ${inv.masterPort}.`,
    'Then check this step again.',
  ].join('\n');
}

export function certificateInstructions(inv: Inv, evidence: string): string {
  return [
    `The master endpoint does not serve the shared master certificate for ${inv.masterDnsName}: ${evidence}`,
    `  1. Step 2 (primary): the master certificate's CNs include ${inv.masterDnsName}, it is in LocalMachine\\Root and bound on 0.0.0.0:${inv.masterPort}.`,
    '  2. Step 3 (secondary): the same certificate (PFX with its private key) is in LocalMachine\\Root and bound on every other master node.',
    '  3. Restart the master role (step 7) so the owner serves the new binding.',
    'Then check this step again.',
  ].join('\n');
}
