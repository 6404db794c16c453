/** Per-connection session state after login: current database and transaction nesting. */

import type { ResponseSession, TransactionOutcome } from './response';
import { EnvChangeType } from './tokens';
import type { EncryptionMode, LoginRequest, TdsSession } from './types';

const ZERO_DESCRIPTOR = Buffer.alloc(8);

/** Hands out transaction descriptors, unique per server like SQL Server's transaction ids. */
export class DescriptorSource {
  private next = 0x1_0000_0001n;
  take(): Buffer {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(this.next++);
    return b;
  }
}

export class Session<TContext> implements TdsSession<TContext>, ResponseSession {
  private currentDatabase: string;
  private trancount = 0;
  private descriptor: Buffer = ZERO_DESCRIPTOR;

  constructor(
    readonly spid: number,
    readonly login: Omit<LoginRequest, 'password' | 'changePassword'>,
    readonly remoteAddress: string,
    readonly encryption: EncryptionMode,
    readonly loginDatabase: string,
    readonly context: TContext | undefined,
    readonly serverName: string,
    private readonly descriptors: DescriptorSource,
  ) {
    this.currentDatabase = loginDatabase;
  }

  get database(): string {
    return this.currentDatabase;
  }

  get transactionCount(): number {
    return this.trancount;
  }

  get transactionDescriptor(): Buffer {
    return this.descriptor;
  }

  setDatabase(name: string): void {
    this.currentDatabase = name;
  }

  /**
   * T-SQL semantics: BEGIN nests (only the outermost announces a descriptor), COMMIT
   * decrements and announces at zero, ROLLBACK ends everything. Errors 3902/3903 are
   * SQL Server's for COMMIT/ROLLBACK without a transaction.
   */
  transaction(action: 'begin' | 'commit' | 'rollback'): TransactionOutcome {
    switch (action) {
      case 'begin': {
        this.trancount += 1;
        if (this.trancount > 1) return { kind: 'none' };
        this.descriptor = this.descriptors.take();
        return {
          kind: 'envchange',
          type: EnvChangeType.BEGIN_TRAN,
          newValue: this.descriptor,
          oldValue: Buffer.alloc(0),
        };
      }
      case 'commit': {
        if (this.trancount === 0) {
          return {
            kind: 'error',
            error: {
              number: 3902,
              state: 1,
              class: 16,
              message: 'The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION.',
            },
          };
        }
        this.trancount -= 1;
        if (this.trancount > 0) return { kind: 'none' };
        return this.end(EnvChangeType.COMMIT_TRAN);
      }
      case 'rollback': {
        if (this.trancount === 0) {
          return {
            kind: 'error',
            error: {
              number: 3903,
              state: 1,
              class: 16,
              message: 'The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.',
            },
          };
        }
        this.trancount = 0;
        return this.end(EnvChangeType.ROLLBACK_TRAN);
      }
    }
  }

  private end(type: number): TransactionOutcome {
    const old = this.descriptor;
    this.descriptor = ZERO_DESCRIPTOR;
    return { kind: 'envchange', type, newValue: Buffer.alloc(0), oldValue: old };
  }
}
