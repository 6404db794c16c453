/** Token cursor shared by the expression, SELECT and statement parsers. */

import type { SqlType } from '@/lib/lab/tds/types';
import { E, SqlError } from '../errors';
import { parseTypeName } from '../sqltypes';
import { tokenText, type Token } from '../tokenizer';

/** Reserved words: never a bare alias, and named as "the keyword" in syntax errors. */
export const RESERVED = new Set(
  (
    'ADD ALL ALTER AND ANY AS ASC AUTHORIZATION BACKUP BEGIN BETWEEN BREAK BROWSE BULK BY CASCADE CASE CHECK CHECKPOINT CLOSE ' +
    'CLUSTERED COLLATE COLUMN COMMIT COMPUTE CONSTRAINT CONTAINS CONTINUE CONVERT CREATE CROSS CURRENT CURRENT_DATE ' +
    'CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER CURSOR DATABASE DBCC DEALLOCATE DECLARE DEFAULT DELETE DENY DESC DISTINCT ' +
    'DISTRIBUTED DOUBLE DROP DUMP ELSE END ERRLVL ESCAPE EXCEPT EXEC EXECUTE EXISTS EXIT EXTERNAL FETCH FILE FILLFACTOR FOR ' +
    'FOREIGN FREETEXT FROM FULL FUNCTION GOTO GRANT GROUP HAVING HOLDLOCK IDENTITY IF IN INDEX INNER INSERT INTERSECT INTO IS ' +
    'JOIN KEY KILL LEFT LIKE LINENO MERGE NATIONAL NOCHECK NONCLUSTERED NOT NULL NULLIF OF OFF OFFSETS ON OPEN OPTION OR ORDER ' +
    'OUTER OVER PERCENT PIVOT PLAN PRIMARY PRINT PROC PROCEDURE PUBLIC RAISERROR READ READTEXT RECONFIGURE REFERENCES ' +
    'REPLICATION RESTORE RESTRICT RETURN REVERT REVOKE RIGHT ROLLBACK ROWCOUNT RULE SAVE SCHEMA SELECT SESSION_USER SET ' +
    'SETUSER SHUTDOWN SOME STATISTICS SYSTEM_USER TABLE TABLESAMPLE TEXTSIZE THEN TO TOP TRAN TRANSACTION TRIGGER TRUNCATE ' +
    'UNION UNIQUE UNPIVOT UPDATE UPDATETEXT USE USER VALUES VARYING VIEW WAITFOR WHEN WHERE WHILE WITH WRITETEXT'
  ).split(' '),
);

export class Parser {
  i = 0;
  constructor(readonly toks: Token[]) {}

  get tok(): Token {
    return this.toks[this.i] ?? (this.toks[this.toks.length - 1] as Token);
  }

  peek(k = 1): Token {
    return this.toks[this.i + k] ?? (this.toks[this.toks.length - 1] as Token);
  }

  next(): Token {
    const t = this.tok;
    if (this.i < this.toks.length - 1) this.i++;
    return t;
  }

  atEnd(): boolean {
    return this.tok.t === 'eof';
  }

  /** The current token is the (unquoted) word `w`. */
  isKw(w: string, tok: Token = this.tok): boolean {
    return tok.t === 'ident' && !tok.quoted && tok.v.toUpperCase() === w;
  }

  isAnyKw(...ws: string[]): boolean {
    return ws.some((w) => this.isKw(w));
  }

  acceptKw(w: string): boolean {
    if (this.isKw(w)) {
      this.next();
      return true;
    }
    return false;
  }

  expectKw(w: string): void {
    if (!this.acceptKw(w)) throw this.error();
  }

  isOp(v: string, tok: Token = this.tok): boolean {
    return tok.t === 'op' && tok.v === v;
  }

  acceptOp(v: string): boolean {
    if (this.isOp(v)) {
      this.next();
      return true;
    }
    return false;
  }

  expectOp(v: string): void {
    if (!this.acceptOp(v)) throw this.error();
  }

  /** "Incorrect syntax near ..." for the current token, the way SQL Server words it. */
  error(tok: Token = this.tok): SqlError {
    if (tok.t === 'eof') {
      const prev = this.toks[this.i - 1];
      return prev ? E.syntax(tokenText(prev)) : E.syntax('');
    }
    if (tok.t === 'ident' && !tok.quoted && RESERVED.has(tok.v.toUpperCase())) return E.syntaxKeyword(tok.v.toUpperCase());
    return E.syntax(tokenText(tok));
  }

  /** An identifier (bracketed, quoted or a non-reserved word). */
  ident(): string {
    const t = this.tok;
    if (t.t === 'ident' && (t.quoted || !RESERVED.has(t.v.toUpperCase()))) {
      this.next();
      return t.v;
    }
    throw this.error();
  }

  /** An identifier or a string literal (T-SQL accepts both for names like listener DNS names). */
  identOrString(): string {
    const t = this.tok;
    if (t.t === 'string') {
      this.next();
      return t.v;
    }
    return this.ident();
  }

  /** a.b.c with empty parts allowed (SSISDB..table). */
  multipartName(): string[] {
    const parts = [this.ident()];
    while (this.isOp('.')) {
      this.next();
      if (this.isOp('.')) {
        parts.push('');
        continue;
      }
      parts.push(this.ident());
    }
    return parts;
  }

  string(): string {
    const t = this.tok;
    if (t.t !== 'string') throw this.error();
    this.next();
    return t.v;
  }

  integer(): number {
    const t = this.tok;
    if (t.t !== 'number' || !/^\d+$/.test(t.v)) throw this.error();
    this.next();
    return Number(t.v);
  }

  /** A data type: nvarchar(128), varbinary(max), decimal(18, 2), [int]. */
  dataType(): SqlType {
    const nameTok = this.tok;
    const parts = this.multipartName();
    const name = parts[parts.length - 1] ?? '';
    const args: (number | 'max')[] = [];
    if (this.isOp('(')) {
      this.next();
      for (;;) {
        if (this.acceptKw('MAX')) args.push('max');
        else args.push(this.integer());
        if (!this.acceptOp(',')) break;
      }
      this.expectOp(')');
    }
    const t = parseTypeName(name, args);
    if (!t) {
      if (nameTok.t === 'ident' && (name.toUpperCase() === 'TABLE' || name.toUpperCase() === 'CURSOR')) throw E.notImplemented(`DECLARE ... ${name.toUpperCase()}`);
      throw new SqlError(2715, `Column, parameter, or variable #1: Cannot find data type ${name}.`, { abortsBatch: true });
    }
    return t;
  }
}
