// Plain, JSON-safe shapes of what the physics observed: the control API's /state shows them.

/** Why a worker is (not) online, in the words of the documented failure modes. */
export type WorkerOutcomeCode =
  | 'ok'
  /** The worker service is not running (or its host is down): it sends no heartbeat. */
  | 'service-stopped'
  /** WorkerSettings.config is missing, unreadable, or has no usable MasterEndpoint. */
  | 'not-configured'
  /** "There was no endpoint listening at https://host:port/ClusterManagement/". */
  | 'unreachable'
  /** "Could not establish secure channel": no worker certificate with a private key in LocalMachine\My. */
  | 'no-client-cert'
  /** "Could not establish trust relationship": the master certificate is not in the worker's Root store. */
  | 'tls-untrusted'
  /** The MasterEndpoint host is not among the master certificate's CNs/SANs. */
  | 'name-mismatch'
  /** MasterHttpsCertThumbprint is not the certificate the master served. */
  | 'thumbprint-mismatch'
  /** The worker certificate is not in LocalMachine\Root on the node that owns the master role. */
  | '403'
  /** The master reached the worker but could not write the heartbeat into SSISDB. */
  | 'sql-failed';

export interface WorkerOutcome {
  host: string;
  outcome: WorkerOutcomeCode;
  message: string;
  /** ISO time of the attempt. */
  at: string;
  masterEndpoint: string | null;
  /** Thumbprint of the certificate the master served, when the handshake got that far. */
  servedThumbprint: string | null;
  /** The SQL Server instance the master wrote the heartbeat through, on success. */
  sqlInstance: string | null;
}

/** What the master endpoint is doing now. */
export type MasterEndpointState =
  | {
      serving: true;
      /** The client access point (the Generic Service role's network name). */
      dnsName: string;
      ownerNode: string;
      /** The port the master listens on inside the lab (MasterSettings.config PortNumber). */
      virtualPort: number;
      thumbprint: string;
      /** Loopback address the lab really listens on. */
      host: string;
      port: number;
    }
  | { serving: false; reason: string; ownerNode: string | null; dnsName: string | null };

export interface LoggingCheck {
  ok: boolean;
  reason: string;
}
