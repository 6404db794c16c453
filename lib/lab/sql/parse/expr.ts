/** Expression parser: T-SQL precedence (OR < AND < NOT < predicates < + - < * / %). */

import type { Expr } from '../ast';
import { E } from '../errors';
import type { Parser } from './core';
import { RESERVED } from './core';
import { parseSelect } from './select';

/** Functions SQL Server lets you write without parentheses. */
const NILADIC = new Set(['CURRENT_TIMESTAMP', 'CURRENT_USER', 'SESSION_USER', 'SYSTEM_USER', 'USER']);

export function parseExpr(p: Parser): Expr {
  return parseOr(p);
}

function parseOr(p: Parser): Expr {
  let l = parseAnd(p);
  while (p.acceptKw('OR')) l = { k: 'binop', op: 'OR', l, r: parseAnd(p) };
  return l;
}

function parseAnd(p: Parser): Expr {
  let l = parseNot(p);
  while (p.acceptKw('AND')) l = { k: 'binop', op: 'AND', l, r: parseNot(p) };
  return l;
}

function parseNot(p: Parser): Expr {
  if (p.acceptKw('NOT')) return { k: 'unary', op: 'NOT', e: parseNot(p) };
  return parsePredicate(p);
}

const CMP = new Map([
  ['=', '='],
  ['<>', '<>'],
  ['!=', '<>'],
  ['<', '<'],
  ['>', '>'],
  ['<=', '<='],
  ['>=', '>='],
  ['!<', '>='],
  ['!>', '<='],
]);

function parsePredicate(p: Parser): Expr {
  if (p.isKw('EXISTS')) {
    p.next();
    p.expectOp('(');
    const q = parseSelect(p);
    p.expectOp(')');
    return { k: 'exists', q };
  }
  const l = parseAdditive(p);
  const t = p.tok;
  if (t.t === 'op' && CMP.has(t.v)) {
    p.next();
    if (p.isAnyKw('ALL', 'ANY', 'SOME')) throw E.notImplemented(`${p.tok.t === 'ident' ? p.tok.v.toUpperCase() : ''} subquery comparison`);
    return { k: 'binop', op: CMP.get(t.v) as string, l, r: parseAdditive(p) };
  }
  if (p.isKw('IS')) {
    p.next();
    const not = p.acceptKw('NOT');
    p.expectKw('NULL');
    return { k: 'isnull', e: l, not };
  }
  let not = false;
  if (p.isKw('NOT') && (p.isKw('IN', p.peek()) || p.isKw('LIKE', p.peek()) || p.isKw('BETWEEN', p.peek()))) {
    p.next();
    not = true;
  }
  if (p.acceptKw('IN')) {
    p.expectOp('(');
    if (p.isKw('SELECT')) {
      const q = parseSelect(p);
      p.expectOp(')');
      return { k: 'in', e: l, list: q, not };
    }
    const list = [parseExpr(p)];
    while (p.acceptOp(',')) list.push(parseExpr(p));
    p.expectOp(')');
    return { k: 'in', e: l, list, not };
  }
  if (p.acceptKw('LIKE')) {
    const pattern = parseAdditive(p);
    const escape = p.acceptKw('ESCAPE') ? parseAdditive(p) : undefined;
    return escape ? { k: 'like', e: l, pattern, escape, not } : { k: 'like', e: l, pattern, not };
  }
  if (p.acceptKw('BETWEEN')) {
    const lo = parseAdditive(p);
    p.expectKw('AND');
    const hi = parseAdditive(p);
    return { k: 'between', e: l, lo, hi, not };
  }
  if (not) throw p.error();
  return l;
}

function parseAdditive(p: Parser): Expr {
  let l = parseMultiplicative(p);
  for (;;) {
    const t = p.tok;
    if (t.t === 'op' && ['+', '-', '&', '|', '^'].includes(t.v)) {
      p.next();
      l = { k: 'binop', op: t.v, l, r: parseMultiplicative(p) };
    } else return l;
  }
}

function parseMultiplicative(p: Parser): Expr {
  let l = parseUnary(p);
  for (;;) {
    const t = p.tok;
    if (t.t === 'op' && ['*', '/', '%'].includes(t.v)) {
      p.next();
      l = { k: 'binop', op: t.v, l, r: parseUnary(p) };
    } else return l;
  }
}

function parseUnary(p: Parser): Expr {
  const t = p.tok;
  if (t.t === 'op' && (t.v === '-' || t.v === '+' || t.v === '~')) {
    p.next();
    return { k: 'unary', op: t.v, e: parseUnary(p) };
  }
  const e = parsePrimary(p);
  if (p.isKw('COLLATE')) throw E.notImplemented('COLLATE');
  return e;
}

function parsePrimary(p: Parser): Expr {
  const t = p.tok;
  switch (t.t) {
    case 'number':
      p.next();
      return { k: 'num', v: t.v };
    case 'string':
      p.next();
      return { k: 'str', v: t.v, unicode: t.unicode };
    case 'binary':
      p.next();
      return { k: 'bin', v: t.v };
    case 'var':
      p.next();
      return t.v.startsWith('@@') ? { k: 'gvar', name: t.v.slice(2).toUpperCase() } : { k: 'var', name: t.v };
    case 'op':
      if (t.v === '(') {
        p.next();
        if (p.isKw('SELECT')) {
          const q = parseSelect(p);
          p.expectOp(')');
          return { k: 'subquery', q };
        }
        const e = parseExpr(p);
        p.expectOp(')');
        return { k: 'paren', e };
      }
      throw p.error();
    case 'eof':
      throw p.error();
    case 'ident':
      break;
  }
  if (t.t !== 'ident') throw p.error();
  const word = t.quoted ? '' : t.v.toUpperCase();
  if (word === 'NULL') {
    p.next();
    return { k: 'null' };
  }
  if (word === 'CASE') return parseCase(p);
  if ((word === 'CAST' || word === 'TRY_CAST') && p.isOp('(', p.peek())) {
    p.next();
    p.next();
    const e = parseExpr(p);
    p.expectKw('AS');
    const to = p.dataType();
    p.expectOp(')');
    return { k: 'cast', e, to, tryCast: word === 'TRY_CAST' };
  }
  if ((word === 'CONVERT' || word === 'TRY_CONVERT') && p.isOp('(', p.peek())) {
    p.next();
    p.next();
    const to = p.dataType();
    p.expectOp(',');
    const e = parseExpr(p);
    const style = p.acceptOp(',') ? parseExpr(p) : undefined;
    p.expectOp(')');
    return style ? { k: 'cast', e, to, style, tryCast: word === 'TRY_CONVERT' } : { k: 'cast', e, to, tryCast: word === 'TRY_CONVERT' };
  }
  if (NILADIC.has(word) && !p.isOp('(', p.peek())) {
    p.next();
    return { k: 'func', name: word, args: [], star: false, distinct: false };
  }
  // Reserved words are only usable as names when they are also function names (LEFT(...), NULLIF(...)).
  if (!t.quoted && RESERVED.has(word) && !(p.isOp('(', p.peek()) && ['LEFT', 'RIGHT', 'NULLIF'].includes(word))) throw p.error();
  const parts = p.multipartName();
  if (p.isOp('(')) {
    p.next();
    const name = parts.join('.');
    if (p.isOp('*')) {
      p.next();
      p.expectOp(')');
      return finishCall(p, { k: 'func', name: name.toUpperCase(), args: [], star: true, distinct: false });
    }
    const distinct = p.acceptKw('DISTINCT');
    if (!distinct) p.acceptKw('ALL');
    const args: Expr[] = [];
    if (!p.isOp(')')) {
      args.push(parseExpr(p));
      while (p.acceptOp(',')) args.push(parseExpr(p));
    }
    p.expectOp(')');
    return finishCall(p, { k: 'func', name: parts.length > 1 ? name : name.toUpperCase(), args, star: false, distinct });
  }
  return { k: 'col', parts };
}

function finishCall(p: Parser, e: Expr): Expr {
  if (p.isKw('OVER')) throw E.notImplemented('OVER');
  if (p.isKw('WITHIN')) throw E.notImplemented('WITHIN GROUP');
  return e;
}

function parseCase(p: Parser): Expr {
  p.expectKw('CASE');
  const operand = p.isKw('WHEN') ? undefined : parseExpr(p);
  const whens: { when: Expr; then: Expr }[] = [];
  while (p.acceptKw('WHEN')) {
    const when = parseExpr(p);
    p.expectKw('THEN');
    whens.push({ when, then: parseExpr(p) });
  }
  if (whens.length === 0) throw p.error();
  const els = p.acceptKw('ELSE') ? parseExpr(p) : undefined;
  p.expectKw('END');
  const e: Expr = { k: 'case', whens };
  if (operand) e.operand = operand;
  if (els) e.else = els;
  return e;
}
