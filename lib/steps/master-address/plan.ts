// plan: pure. The address is set with T-SQL on the catalog's home instance; an endpoint that does
// not answer or serves the wrong certificate is fixed in other steps, so those are manual
// operations with the exact things to check.
import type { Check, Operation } from '@/lib/engine/types';
import type { StoredInventory } from '@/lib/inventory/schema';
import { CHECK, masterUrl, OP } from './names';
import { certificateInstructions, endpointInstructions, updateMasterAddressShown } from './scripts';

type PlanContext = { inventory: Pick<StoredInventory, 'masterDnsName' | 'masterPort' | 'masterIp' | 'masters' | 'agName'> };

export function plan(ctx: PlanContext, checks: Check[]): Operation[] {
  const inv = ctx.inventory;
  const by = new Map(checks.map((c) => [c.id, c]));
  const ops: Operation[] = [];
  const address = by.get(CHECK.address);
  // Only with an instance to run on: without one the check says why (no primary, SSISDB offline).
  if (address?.status === 'fail' && inv.masters.some((m) => m.hostName === address.target)) {
    ops.push({
      id: OP.setAddress,
      target: address.target,
      kind: 'tsql',
      summary: `Set the master address to ${masterUrl(inv)} (catalog.update_master_address)`,
      script: updateMasterAddressShown(inv),
      risk: 'low',
    });
  }
  const endpoint = by.get(CHECK.endpoint);
  if (endpoint?.status === 'fail') {
    ops.push({ id: OP.bringOnline, target: inv.masterDnsName, kind: 'manual', summary: `Make the master endpoint ${inv.masterDnsName}:${inv.masterPort} answer`, script: endpointInstructions(inv, endpoint.evidence), risk: 'medium' });
  } else {
    const cert = by.get(CHECK.certificate);
    if (cert?.status === 'fail')
      ops.push({ id: OP.fixCertificate, target: inv.masterDnsName, kind: 'manual', summary: `Serve the shared master certificate naming ${inv.masterDnsName}`, script: certificateInstructions(inv, cert.evidence), risk: 'medium' });
  }
  return ops;
}
