/** SELECT parser: TOP, select list with aliases and @var assignments, FROM/JOIN, WHERE, GROUP BY, HAVING, UNION, ORDER BY. */

import type { Select, SelectCore, SelectItem, TableSource } from '../ast';
import { E } from '../errors';
import type { Parser } from './core';
import { RESERVED } from './core';
import { parseExpr } from './expr';

export function parseSelect(p: Parser): Select {
  const cores: SelectCore[] = [parseCore(p)];
  const ops: string[] = [];
  for (;;) {
    if (p.isKw('UNION')) {
      p.next();
      ops.push(p.acceptKw('ALL') ? 'UNION ALL' : 'UNION');
    } else if (p.isKw('EXCEPT') || p.isKw('INTERSECT')) {
      ops.push((p.next() as { v: string }).v.toUpperCase());
    } else break;
    cores.push(parseCore(p));
  }
  const orderBy: Select['orderBy'] = [];
  if (p.isKw('ORDER') && p.isKw('BY', p.peek())) {
    p.next();
    p.next();
    do {
      const e = parseExpr(p);
      let desc = false;
      if (p.acceptKw('DESC')) desc = true;
      else p.acceptKw('ASC');
      orderBy.push({ e, desc });
    } while (p.acceptOp(','));
    if (p.isKw('OFFSET')) throw E.notImplemented('OFFSET');
  }
  if (p.isKw('FOR')) throw E.notImplemented(`FOR ${p.peek().t === 'ident' ? (p.peek() as { v: string }).v.toUpperCase() : ''}`.trim());
  if (p.isKw('OPTION')) throw E.notImplemented('OPTION');
  return { cores, ops, orderBy };
}

function isAliasToken(p: Parser): boolean {
  const t = p.tok;
  return (t.t === 'ident' && (t.quoted || !RESERVED.has(t.v.toUpperCase()))) || t.t === 'string';
}

function parseCore(p: Parser): SelectCore {
  p.expectKw('SELECT');
  const distinct = p.acceptKw('DISTINCT');
  if (!distinct) p.acceptKw('ALL');
  const core: SelectCore = { distinct, items: [], from: [], groupBy: [] };
  if (p.acceptKw('TOP')) {
    if (p.acceptOp('(')) {
      core.top = parseExpr(p);
      p.expectOp(')');
    } else {
      const t = p.tok;
      if (t.t !== 'number' && t.t !== 'var') throw p.error();
      core.top = parseExpr(p);
    }
    if (p.isKw('PERCENT')) throw E.notImplemented('TOP ... PERCENT');
    if (p.isKw('WITH')) throw E.notImplemented('TOP ... WITH TIES');
  }
  do core.items.push(parseItem(p));
  while (p.acceptOp(','));
  if (p.isKw('INTO')) throw E.notImplemented('SELECT ... INTO');
  if (p.acceptKw('FROM')) {
    do core.from.push(parseTableSource(p));
    while (p.acceptOp(','));
  }
  if (p.acceptKw('WHERE')) core.where = parseExpr(p);
  if (p.isKw('GROUP')) {
    p.next();
    p.expectKw('BY');
    do core.groupBy.push(parseExpr(p));
    while (p.acceptOp(','));
  }
  if (p.acceptKw('HAVING')) core.having = parseExpr(p);
  return core;
}

function parseItem(p: Parser): SelectItem {
  const t = p.tok;
  if (p.isOp('*')) {
    p.next();
    return { k: 'star' };
  }
  // alias.* (also schema.table.*)
  if (t.t === 'ident' && p.isOp('.', p.peek())) {
    let k = 0;
    while (p.peek(k).t === 'ident' && p.isOp('.', p.peek(k + 1))) k += 2;
    if (p.isOp('*', p.peek(k))) {
      const parts: string[] = [];
      for (let j = 0; j < k; j += 2) parts.push((p.peek(j) as { v: string }).v);
      for (let j = 0; j <= k; j++) p.next();
      return { k: 'star', qualifier: parts[parts.length - 1] as string };
    }
  }
  // @var = expr (assignment), @var += expr
  if (t.t === 'var' && !t.v.startsWith('@@')) {
    const op = p.peek();
    if (op.t === 'op' && ['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^='].includes(op.v)) {
      p.next();
      p.next();
      return { k: 'assign', variable: t.v, op: op.v, e: parseExpr(p) };
    }
  }
  // alias = expr
  if (((t.t === 'ident' && (t.quoted || !RESERVED.has(t.v.toUpperCase()))) || t.t === 'string') && p.isOp('=', p.peek())) {
    p.next();
    p.next();
    return { k: 'expr', e: parseExpr(p), alias: t.v };
  }
  const e = parseExpr(p);
  if (p.acceptKw('AS')) {
    const a = p.tok;
    if (a.t === 'string') {
      p.next();
      return { k: 'expr', e, alias: a.v };
    }
    return { k: 'expr', e, alias: p.ident() };
  }
  if (isAliasToken(p)) {
    const a = p.next() as { v: string };
    return { k: 'expr', e, alias: a.v };
  }
  return { k: 'expr', e };
}

function parseTablePrimary(p: Parser): TableSource {
  if (p.isOp('(')) {
    p.next();
    if (p.isKw('SELECT')) {
      const q = parseSelect(p);
      p.expectOp(')');
      p.acceptKw('AS');
      if (!isAliasToken(p)) throw p.error();
      return { k: 'derived', q, alias: (p.next() as { v: string }).v };
    }
    const inner = parseTableSource(p);
    p.expectOp(')');
    return inner;
  }
  if (p.tok.t === 'var') throw E.notImplemented('table variables');
  if (p.isKw('OPENQUERY') || p.isKw('OPENROWSET') || p.isKw('OPENJSON') || p.isKw('OPENXML')) throw E.notImplemented((p.tok as { v: string }).v.toUpperCase());
  const parts = p.multipartName();
  if (parts.length > 3) throw E.notImplemented('four-part (linked server) names');
  if (p.isOp('(')) throw E.notImplemented(`table-valued function ${parts.join('.')}`);
  const src: TableSource = { k: 'table', parts };
  if (p.acceptKw('AS')) src.alias = p.ident();
  else if (isAliasToken(p) && p.tok.t === 'ident' && !isJoinWord(p)) src.alias = p.ident();
  // Table hints like WITH (NOLOCK) change locking, not results.
  if (p.isKw('WITH') && p.isOp('(', p.peek())) {
    p.next();
    p.next();
    while (!p.isOp(')') && !p.atEnd()) p.next();
    p.expectOp(')');
  }
  return src;
}

function isJoinWord(p: Parser): boolean {
  return p.isAnyKw('INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'JOIN', 'OUTER', 'WHERE', 'ON', 'GROUP', 'ORDER', 'HAVING', 'UNION');
}

function parseTableSource(p: Parser): TableSource {
  let l = parseTablePrimary(p);
  for (;;) {
    let type: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS' | undefined;
    if (p.isKw('JOIN')) type = 'INNER';
    else if (p.isKw('INNER') && p.isKw('JOIN', p.peek())) {
      p.next();
      type = 'INNER';
    } else if (p.isAnyKw('LEFT', 'RIGHT', 'FULL')) {
      type = (p.next() as { v: string }).v.toUpperCase() as 'LEFT' | 'RIGHT' | 'FULL';
      p.acceptKw('OUTER');
      if (!p.isKw('JOIN')) throw p.error();
    } else if (p.isKw('CROSS')) {
      if (p.isKw('APPLY', p.peek())) throw E.notImplemented('CROSS APPLY');
      p.next();
      type = 'CROSS';
    } else if (p.isKw('OUTER') && p.isKw('APPLY', p.peek())) throw E.notImplemented('OUTER APPLY');
    if (!type) return l;
    p.expectKw('JOIN');
    const r = parseTablePrimary(p);
    if (type === 'CROSS') {
      l = { k: 'join', type, l, r };
      continue;
    }
    p.expectKw('ON');
    l = { k: 'join', type, l, r, on: parseExpr(p) };
  }
}
