/**
 * T-SQL tokenizer. Comments (-- and nested /* *\/) are dropped, strings keep doubled
 * quotes unescaped, [brackets] unescape ]] and "double quotes" are identifiers
 * (QUOTED_IDENTIFIER ON, which every modern client sets).
 */

import { E } from './errors';

export type Token =
  | { t: 'ident'; v: string; quoted: boolean; pos: number; line: number }
  | { t: 'var'; v: string; pos: number; line: number }
  | { t: 'string'; v: string; unicode: boolean; pos: number; line: number }
  | { t: 'number'; v: string; pos: number; line: number }
  | { t: 'binary'; v: Buffer; text: string; pos: number; line: number }
  | { t: 'op'; v: string; pos: number; line: number }
  | { t: 'eof'; pos: number; line: number };

const OPS3 = ['!<', '!>', '<=', '>=', '<>', '!=', '::', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^='];
const OPS1 = '(),.;=<>+-*/%&|^~';

const IDENT_START = /[A-Za-z_#\u0080-\uffff]/;
const IDENT_PART = /[A-Za-z0-9_#$@\u0080-\uffff]/;

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  const n = sql.length;
  const countLines = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (sql[k] === '\n') line++;
  };
  while (i < n) {
    const c = sql[i] as string;
    const start = i;
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      // T-SQL block comments nest.
      let depth = 0;
      while (i < n) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else i++;
      }
      if (depth !== 0) throw E.missingEndComment();
      countLines(start, i);
      continue;
    }
    const tokLine = line;
    if (c === "'" || ((c === 'N' || c === 'n') && sql[i + 1] === "'")) {
      const unicode = c !== "'";
      i += unicode ? 2 : 1;
      let v: string;
      [v, i] = readQuoted(sql, i, "'");
      countLines(start, i);
      out.push({ t: 'string', v, unicode, pos: start, line: tokLine });
      continue;
    }
    if (c === '[') {
      i++;
      let v: string;
      [v, i] = readQuoted(sql, i, ']');
      countLines(start, i);
      out.push({ t: 'ident', v, quoted: true, pos: start, line: tokLine });
      continue;
    }
    if (c === '"') {
      i++;
      let v: string;
      [v, i] = readQuoted(sql, i, '"');
      countLines(start, i);
      out.push({ t: 'ident', v, quoted: true, pos: start, line: tokLine });
      continue;
    }
    if (c === '0' && (sql[i + 1] === 'x' || sql[i + 1] === 'X')) {
      i += 2;
      while (i < n && /[0-9a-fA-F]/.test(sql[i] as string)) i++;
      const text = sql.slice(start, i);
      let digits = text.slice(2);
      if (digits.length % 2 === 1) digits = '0' + digits;
      out.push({ t: 'binary', v: Buffer.from(digits, 'hex'), text, pos: start, line: tokLine });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      while (i < n && /[0-9]/.test(sql[i] as string)) i++;
      if (sql[i] === '.') {
        i++;
        while (i < n && /[0-9]/.test(sql[i] as string)) i++;
      }
      if ((sql[i] === 'e' || sql[i] === 'E') && /[-+0-9]/.test(sql[i + 1] ?? '')) {
        i += 2;
        while (i < n && /[0-9]/.test(sql[i] as string)) i++;
      }
      out.push({ t: 'number', v: sql.slice(start, i), pos: start, line: tokLine });
      continue;
    }
    if (c === '@') {
      i++;
      if (sql[i] === '@') i++;
      while (i < n && IDENT_PART.test(sql[i] as string)) i++;
      out.push({ t: 'var', v: sql.slice(start, i), pos: start, line: tokLine });
      continue;
    }
    if (IDENT_START.test(c)) {
      while (i < n && IDENT_PART.test(sql[i] as string)) i++;
      out.push({ t: 'ident', v: sql.slice(start, i), quoted: false, pos: start, line: tokLine });
      continue;
    }
    const two = sql.slice(i, i + 2);
    if (OPS3.includes(two)) {
      out.push({ t: 'op', v: two, pos: start, line: tokLine });
      i += 2;
      continue;
    }
    if (OPS1.includes(c)) {
      out.push({ t: 'op', v: c, pos: start, line: tokLine });
      i++;
      continue;
    }
    throw E.syntax(c);
  }
  out.push({ t: 'eof', pos: n, line });
  return out;
}

/** Text of a token as SQL Server quotes it in "Incorrect syntax near '...'". */
export function tokenText(tok: Token): string {
  switch (tok.t) {
    case 'ident':
    case 'var':
    case 'number':
    case 'op':
      return tok.v;
    case 'string':
      return tok.v;
    case 'binary':
      return tok.text;
    case 'eof':
      return '';
  }
}

/** Quotes an identifier the T-SQL way (QUOTENAME). */
export function quoteName(name: string): string {
  return `[${name.replace(/]/g, ']]')}]`;
}

/** Quotes a string literal the T-SQL way. */
export function quoteString(s: string): string {
  return `N'${s.replace(/'/g, "''")}'`;
}

/** Text up to the closing quote character, a doubled one standing for itself; returns it and the index after. */
function readQuoted(sql: string, start: number, close: string): [string, number] {
  let v = '';
  let i = start;
  for (;;) {
    if (i >= sql.length) throw E.unclosedQuote(v);
    const ch = sql[i] as string;
    if (ch === close) {
      if (sql[i + 1] !== close) return [v, i + 1];
      v += close;
      i += 2;
      continue;
    }
    v += ch;
    i++;
  }
}
