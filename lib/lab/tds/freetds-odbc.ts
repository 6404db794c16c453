/**
 * Test support: drives FreeTDS's ODBC driver (Debian `tdsodbc`, the same libtds 1.3.17 as
 * `tsql`) from the command line, to cancel a long request the way FreeTDS does it.
 *
 * The driver's query timeout is FreeTDS's one built-in path to an ATTENTION: its error
 * handler answers the timeout (error 20003) with TDS_INT_TIMEOUT, so libtds sends the
 * attention packet and reads on until the DONE carrying DONE_ATTN. `tsql`, `fisql` and
 * `bsqldb` answer the same timeout, and fisql a Ctrl-C, with TDS_INT_CANCEL: libtds then
 * closes the socket and no attention ever goes out.
 *
 * unixODBC's `isql` loads the driver and, with -e, runs each line as a SQL batch on the same
 * connection, going on after an error. FreeTDS's own `bsqlodbc` (freetds-bin) cancels the
 * same way but exits at the first error, and prepares every statement (sp_prepexec), which
 * the lab does not implement.
 */

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Debian's tdsodbc puts the driver under the multiarch folder (x86_64-linux-gnu, aarch64-linux-gnu, …). */
export const TDSODBC_DRIVER = findTdsOdbc();

function findTdsOdbc(): string {
  const fallback = '/usr/lib/x86_64-linux-gnu/odbc/libtdsodbc.so';
  try {
    for (const d of fs.readdirSync('/usr/lib')) {
      const p = path.join('/usr/lib', d, 'odbc', 'libtdsodbc.so');
      if (fs.existsSync(p)) return p;
    }
  } catch {
    // no /usr/lib: the test is skipped
  }
  return fallback;
}
export const ISQL = '/usr/bin/isql';

export interface OdbcDsnOptions {
  /** Folder for freetds.conf, odbc.ini and the TDSDUMP log (created if missing). */
  dir: string;
  dsn: string;
  host: string;
  port: number;
  caFile: string;
  database: string;
  /** FreeTDS `timeout`: seconds before the driver gives up on a request and sends an ATTENTION. */
  queryTimeoutSeconds: number;
}

export interface OdbcDsn {
  /** Environment for a child process: only these FreeTDS/unixODBC files apply. */
  env: NodeJS.ProcessEnv;
  dumpFile: string;
}

/** Writes a freetds.conf server entry (TLS required, lab CA) and an odbc.ini DSN using it. */
export function writeOdbcDsn(o: OdbcDsnOptions): OdbcDsn {
  fs.mkdirSync(o.dir, { recursive: true });
  const freetdsConf = path.join(o.dir, 'freetds.conf');
  const odbcIni = path.join(o.dir, 'odbc.ini');
  const dumpFile = path.join(o.dir, 'tdsdump.log');
  fs.writeFileSync(
    freetdsConf,
    [
      '[global]',
      '\ttds version = 7.4',
      '\tencryption = require',
      `\tca file = ${o.caFile}`,
      `[${o.dsn}]`,
      `\thost = ${o.host}`,
      `\tport = ${o.port}`,
      `\ttimeout = ${o.queryTimeoutSeconds}`,
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    odbcIni,
    [
      `[${o.dsn}]`,
      `Driver = ${TDSODBC_DRIVER}`,
      `Servername = ${o.dsn}`,
      `Database = ${o.database}`,
      '',
    ].join('\n'),
  );
  fs.rmSync(dumpFile, { force: true });
  return {
    env: {
      ...process.env,
      FREETDSCONF: freetdsConf,
      ODBCINI: odbcIni,
      ODBCSYSINI: o.dir,
      TDSDUMP: dumpFile,
      TDSVER: undefined,
    },
    dumpFile,
  };
}

/** A command-line client fed line by line, with its stdout and stderr read as they come. */
export class Interactive {
  private text = '';
  private done = false;
  private waiters: Array<() => void> = [];
  readonly exited: Promise<number | null>;
  private readonly child;

  constructor(command: string, args: readonly string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(command, args, { env });
    const take = (d: Buffer) => {
      this.text += d.toString('utf8');
      for (const w of this.waiters.splice(0)) w();
    };
    this.child.stdout.on('data', take);
    this.child.stderr.on('data', take);
    this.exited = new Promise((resolve) =>
      this.child.on('close', (status) => {
        this.done = true;
        for (const w of this.waiters.splice(0)) w();
        resolve(status);
      }),
    );
  }

  /** Everything printed so far (stdout and stderr interleaved as they arrived). */
  get output(): string {
    return this.text;
  }

  /** Where the output is now: pass it to `waitFor` to look only at what comes after. */
  mark(): number {
    return this.text.length;
  }

  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  end(): void {
    this.child.stdin.end();
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  /** Waits until `pattern` appears after `from`; returns its match, or throws after `ms`. */
  async waitFor(pattern: RegExp, from: number, ms: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = this.text.slice(from).match(pattern);
      if (m) return m;
      const left = deadline - Date.now();
      if (left <= 0 || this.done)
        throw new Error(
          `${pattern} did not appear within ${ms} ms${this.done ? ` (the client exited)` : ''}`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
  }
}

export interface AttentionTrace {
  /** An ATTENTION packet went out: header 06 01 00 08 00 00 01 00, as in MS-TDS's example. */
  attentionSent: boolean;
  /** After it, a server message came back whose DONE token has status 0x0020 (DONE_ATTN). */
  acknowledged: boolean;
  /** On that DONE, FreeTDS itself recorded the request as cancelled (was_cancelled = 1). */
  clientSawCancel: boolean;
  /** FreeTDS put the connection back to idle (ready for the next request). */
  backToIdle: boolean;
}

/**
 * Reads FreeTDS's TDSDUMP for the attention exchange. Only packet headers and FreeTDS's own
 * state lines are looked at, never the rest of the log.
 */
export function attentionTrace(dump: string): AttentionTrace {
  const sent = dump.search(/Sending packet\r?\n0000 06 01 00 08 00 00 01 00/);
  const after = sent >= 0 ? dump.slice(sent) : '';
  const ack = after.search(
    /Received packet\r?\n0000 04 01 00 15 [0-9a-f]{2} [0-9a-f]{2} [0-9a-f]{2} 00-fd 20 00/,
  );
  const tail = ack >= 0 ? after.slice(ack) : '';
  return {
    attentionSent: sent >= 0,
    acknowledged: ack >= 0,
    clientSawCancel: /was_cancelled = 1/.test(tail),
    backToIdle: /Changed query state from READING to IDLE/.test(tail),
  };
}
