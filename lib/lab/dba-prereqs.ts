// What the SSMS wizards a DBA runs (New Availability Group, Enable Always On Support) find out
// before they change anything: every instance answers, the caller is sysadmin there, Always On
// is enabled. Each failure is the message SSMS (or SQL Server under it) gives, with the instance.
import { ControlError } from './control';
import type { LabSqlEngine } from './sql';

/** A refusal: 409 with the server's or the wizard's own text (and the SQL error number, when there is one). */
export function refused(instance: string, message: string, number?: number): ControlError {
  return new ControlError(409, `${instance}: ${number ? `Msg ${number}: ` : ''}${message}`);
}

/** SSMS connects to each instance first (ConnectionInfo's message when one does not answer). */
export function requireRunning(engine: LabSqlEngine, instances: string[]): void {
  for (const name of instances) {
    const inst = engine.st.instance(name);
    if (!inst) throw new ControlError(400, `replicas: the lab has no SQL Server instance ${name} (it has ${engine.st.instances().map((i) => i.name).join(', ')}).`);
    if (!inst.running) throw refused(name, `Failed to connect to server ${name}. (Microsoft.SqlServer.ConnectionInfo)`);
  }
}

/**
 * Both wizards need sysadmin on every replica (use-the-availability-group-wizard, Permissions;
 * ssis-catalog.md, Always On step 3). A login the instance does not know cannot even connect.
 */
export function requireSysadmin(engine: LabSqlEngine, instances: string[], login: string, what: string): void {
  for (const name of instances) {
    const p = engine.st.principal(name, login);
    if (!p || p.type === 'R' || p.is_disabled) throw refused(name, `Login failed for user '${login}'.`, 18456);
    if (!engine.st.isServerRoleMember(name, 'sysadmin', p.principal_id))
      throw refused(name, `${what} requires membership in the sysadmin fixed server role on every replica; '${login}' is not a member on ${name}.`);
  }
}

/** The New Availability Group Wizard's message for an instance without Always On (documented verbatim). */
export function requireHadr(engine: LabSqlEngine, instances: string[]): void {
  for (const name of instances) {
    if (engine.st.instance(name)?.hadr_enabled) continue;
    throw refused(
      name,
      `The Always On Availability Groups feature must be enabled for server instance '${name}' before you can create an availability group on this instance. To enable this feature, open the SQL Server Configuration Manager, select SQL Server Services, right-click on the SQL Server service name, select Properties, and use the Always On Availability Groups tab of the Server Properties dialog. Enabling Always On Availability Groups may require that the server instance is hosted by a Windows Server Failover Cluster (WSFC) node. (Microsoft.SqlServer.Management.HadrTasks)`,
    );
  }
}
