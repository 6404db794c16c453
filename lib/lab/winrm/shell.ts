import type { RunningCommand } from './command';
import { maxShellsFault, shellNotFoundFault } from './faults';
import { newGuid } from './soap';

export interface ShellInit {
  /** Account key (`domain\user`, lowercased): shells belong to the user who created them. */
  owner: string;
  /** How Windows names the owner in rsp:Owner. */
  ownerName: string;
  clientIp: string;
  codepage: number;
  env: Record<string, string>;
  workingDirectory: string | undefined;
  idleTimeoutMs: number;
  inputStreams: string;
  outputStreams: string;
}

/** One WinRS shell (a cmd.exe context on Windows): its settings and its commands. */
export class Shell {
  readonly id = newGuid();
  readonly init: ShellInit;
  readonly createdAt = Date.now();
  readonly commands = new Map<string, RunningCommand>();
  lastActivityAt = Date.now();
  /** Requests in progress (a blocked Receive keeps the shell from idling out). */
  busy = 0;
  timer: NodeJS.Timeout | undefined;

  constructor(init: ShellInit) {
    this.init = init;
  }

  close(): void {
    clearTimeout(this.timer);
    for (const command of this.commands.values()) command.terminate();
    this.commands.clear();
  }
}

/**
 * The host's shells. Enforces MaxShellsPerUser and the idle timeout: an idle shell is deleted
 * with its processes, and its ShellId then gets the shell-not-found fault like any unknown one.
 */
export class ShellStore {
  readonly #shells = new Map<string, Shell>();
  readonly #maxShellsPerUser: number;

  constructor(options: { maxShellsPerUser: number }) {
    this.#maxShellsPerUser = options.maxShellsPerUser;
  }

  get size(): number {
    return this.#shells.size;
  }

  create(init: ShellInit): Shell {
    const owned = [...this.#shells.values()].filter((s) => s.init.owner === init.owner).length;
    if (owned >= this.#maxShellsPerUser) throw maxShellsFault(this.#maxShellsPerUser);
    const shell = new Shell(init);
    this.#shells.set(shell.id, shell);
    this.#arm(shell);
    return shell;
  }

  /** Another user's shell is as invisible as a missing one. */
  get(id: string, owner: string): Shell {
    const shell = this.#shells.get(id);
    if (!shell || shell.init.owner !== owner) throw shellNotFoundFault(id);
    return shell;
  }

  /** Marks activity for the length of `work` (idle time counts from its end). */
  async use<T>(shell: Shell, work: () => Promise<T>): Promise<T> {
    shell.busy++;
    shell.lastActivityAt = Date.now();
    try {
      return await work();
    } finally {
      shell.busy--;
      shell.lastActivityAt = Date.now();
      this.#arm(shell);
    }
  }

  delete(id: string, owner: string): void {
    const shell = this.get(id, owner);
    this.#shells.delete(id);
    shell.close();
  }

  /** Kills the process of every running command (they end as processes that died do). */
  killProcesses(): number {
    let killed = 0;
    for (const shell of this.#shells.values())
      for (const command of shell.commands.values()) if (command.kill()) killed++;
    return killed;
  }

  closeAll(): void {
    for (const shell of this.#shells.values()) shell.close();
    this.#shells.clear();
  }

  #arm(shell: Shell): void {
    clearTimeout(shell.timer);
    if (!this.#shells.has(shell.id)) return;
    const due = shell.lastActivityAt + shell.init.idleTimeoutMs - Date.now();
    shell.timer = setTimeout(
      () => {
        // A request in progress re-arms the timer when it ends (ShellStore.use).
        if (shell.busy > 0) return;
        if (Date.now() < shell.lastActivityAt + shell.init.idleTimeoutMs) {
          this.#arm(shell);
          return;
        }
        this.#shells.delete(shell.id);
        shell.close();
      },
      Math.max(0, due),
    );
    shell.timer.unref();
  }
}
