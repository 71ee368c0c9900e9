/**
 * Scenario `outputs` formulas: a scalar arithmetic subset of mathjs over the Result's fields.
 *
 * Phase: plan (checked when the scenario is normalized, so `check` reports it, located) and
 * runtime (checked again before evaluating). mathjs as a whole can build matrices and ranges:
 * `size(range(0,1e9))` killed the process and `sum(ones(20000,20000))` took 18 s and 3.4 GB. A
 * formula here is numbers, Result fields (`latencyUs.p99`, `tasks.main.busyUs`, `outputs.x`),
 * arithmetic and comparison operators, `a ? b : c`, and the scalar functions below: every
 * evaluation takes time proportional to the formula's length.
 */
import { mathjs } from '../engine/lazy-math.js';

/** Functions a formula may call: scalar in, scalar out. */
export const FORMULA_FUNCTIONS = [
  'abs',
  'min',
  'max',
  'sqrt',
  'cbrt',
  'exp',
  'log',
  'log2',
  'log10',
  'floor',
  'ceil',
  'round',
  'fix',
  'sign',
  'pow',
  'mod',
] as const;

/** Names a formula may start from: the Result's top-level fields, and the constants pi and e. */
export const FORMULA_ROOTS = [
  'seed',
  'records',
  'recordsInFlight',
  'simulatedUs',
  'throughput',
  'latencyUs',
  'yieldsPerRecord',
  'tasks',
  'workers',
  'breakdownUs',
  'cpuUs',
  'outputs',
  'engine',
  'pi',
  'e',
] as const;

const OPERATORS = new Set([
  'add',
  'subtract',
  'multiply',
  'divide',
  'pow',
  'mod',
  'unaryMinus',
  'unaryPlus',
  'smaller',
  'larger',
  'smallerEq',
  'largerEq',
  'equal',
  'unequal',
  'and',
  'or',
  'not',
]);

/** Longest formula and most arguments to one function: the cost of a formula stays bounded. */
const MAX_ARGS = 32;

interface MathNode {
  type: string;
  fn?: string | MathNode;
  op?: string;
  name?: string;
  value?: unknown;
  args?: MathNode[];
  content?: MathNode;
  object?: MathNode;
  index?: MathNode;
  dimensions?: MathNode[];
  condition?: MathNode;
  trueExpr?: MathNode;
  falseExpr?: MathNode;
}

/**
 * Why `expr` is not a formula of the allowed subset (the first offending construct, with where it
 * starts in the expression where known), or undefined when it is. A syntax error is reported
 * with mathjs' message.
 */
export function formulaProblem(expr: string): string | undefined {
  let root: MathNode;
  try {
    root = (mathjs().parse as (e: string) => MathNode)(expr);
  } catch (e) {
    return `does not parse: ${(e as Error).message}`;
  }
  const functions = new Set<string>(FORMULA_FUNCTIONS);
  const roots = new Set<string>(FORMULA_ROOTS);
  const walk = (n: MathNode, asRoot: boolean): string | undefined => {
    switch (n.type) {
      case 'ConstantNode':
        return typeof n.value === 'number' ? undefined : `the constant ${JSON.stringify(n.value)} is not a number`;
      case 'SymbolNode':
        if (!asRoot) return undefined;
        return roots.has(n.name ?? '') ? undefined : `'${n.name}' is not a Result field (known: ${FORMULA_ROOTS.join(', ')})`;
      case 'ParenthesisNode':
        return n.content ? walk(n.content, true) : undefined;
      case 'OperatorNode':
        if (!OPERATORS.has(String(n.fn))) return `the operator '${n.op}' is not allowed`;
        for (const a of n.args ?? []) {
          const p = walk(a, true);
          if (p) return p;
        }
        return undefined;
      case 'ConditionalNode':
        for (const a of [n.condition, n.trueExpr, n.falseExpr]) {
          const p = a ? walk(a, true) : undefined;
          if (p) return p;
        }
        return undefined;
      case 'FunctionNode': {
        const f = n.fn as MathNode;
        const name = f.type === 'SymbolNode' ? (f.name ?? '') : '';
        if (!functions.has(name))
          return `the function '${name || f.type}' is not allowed (allowed: ${FORMULA_FUNCTIONS.join(', ')})`;
        if ((n.args?.length ?? 0) > MAX_ARGS) return `'${name}' has more than ${MAX_ARGS} arguments`;
        for (const a of n.args ?? []) {
          const p = walk(a, true);
          if (p) return p;
        }
        return undefined;
      }
      case 'AccessorNode': {
        // a.b or a["b"]: a field of a Result object, by a constant name.
        const dims = n.index?.dimensions ?? [];
        if (dims.length !== 1 || dims[0].type !== 'ConstantNode' || typeof dims[0].value !== 'string')
          return 'indexing is allowed only by a field name (tasks.main.busyUs or tasks["main"])';
        return n.object ? walk(n.object, true) : undefined;
      }
      default:
        return `${n.type.replace(/Node$/, '').toLowerCase()} expressions are not allowed: a formula is scalar arithmetic over Result fields`;
    }
  };
  return walk(root, true);
}

/**
 * A formula of the simplest shape, which every bundled scenario's outputs have: numbers, Result
 * fields by dotted name (`tasks.main.elapsedUs`), `+ - * /`, unary minus and plus, parentheses.
 * `simpleFormula` parses it without mathjs, and `evaluateSimple` evaluates it as mathjs does
 * (the same IEEE operations: mathjs' number `add`, `subtract`, `multiply`, `divide`, `unaryMinus`
 * are `a + b` … `-a`), so a `simulate` whose outputs are all simple never loads mathjs (~1 s of
 * CPU on the 2-vCPU VM). Anything else — another operator or function, brackets, a name mathjs
 * reads as an operator — is not simple: it goes to mathjs as before, and so does every evaluation
 * this one cannot answer exactly as mathjs would (a field that is missing or not a number, an
 * object that is not plain): `evaluateSimple` then returns undefined, and mathjs gives its value
 * or its error message. test/unit/plan/simple-formula.test.ts holds both to mathjs.
 */
export type SimpleFormula =
  | { k: 'num'; v: number }
  | { k: 'path'; names: string[] }
  | { k: 'neg' | 'pos'; a: SimpleFormula }
  | { k: '+' | '-' | '*' | '/'; a: SimpleFormula; b: SimpleFormula };

/** Names mathjs reads as operators or constants, never as a field name after a dot. */
const MATHJS_WORDS = new Set([
  'mod',
  'to',
  'in',
  'and',
  'xor',
  'or',
  'not',
  'end',
  'true',
  'false',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  'uninitialized',
]);
const SIMPLE_ROOTS = new Set<string>(FORMULA_ROOTS.filter((r) => r !== 'pi' && r !== 'e'));
/** One token: a decimal number, a dotted name (ASCII, no spaces around the dots), or an operator or parenthesis. */
const SIMPLE_TOKEN =
  /[ \t]*(?:(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?![\w$.])|([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)(?![\w$.])|([-+*/()]))/y;

/** `expr` as a SimpleFormula, or undefined when it is not one (then mathjs parses and checks it). */
export function simpleFormula(expr: string): SimpleFormula | undefined {
  if (expr.length > 1000) return undefined;
  const tokens: ({ num: number } | { path: string[] } | { op: string })[] = [];
  let at = 0;
  while (!/^[ \t]*$/.test(expr.slice(at))) {
    SIMPLE_TOKEN.lastIndex = at;
    const m = SIMPLE_TOKEN.exec(expr);
    if (!m) return undefined;
    at = SIMPLE_TOKEN.lastIndex;
    if (m[1] !== undefined) tokens.push({ num: Number(m[1]) });
    else if (m[2] !== undefined) {
      const names = m[2].split('.');
      if (!SIMPLE_ROOTS.has(names[0]) || names.slice(1).some((n) => MATHJS_WORDS.has(n))) return undefined;
      tokens.push({ path: names });
    } else tokens.push({ op: m[3] });
  }
  let i = 0;
  const isOp = (op: string) => {
    const t = tokens[i];
    return t !== undefined && 'op' in t && t.op === op;
  };
  // Grammar (mathjs' precedence, left-associative): sum := product (('+'|'-') product)*;
  // product := unary (('*'|'/') unary)*; unary := ('-'|'+') unary | atom; atom := num | path | '(' sum ')'.
  const sum = (): SimpleFormula | undefined => {
    let a = product();
    while (a && (isOp('+') || isOp('-'))) {
      const k = (tokens[i++] as { op: '+' | '-' }).op;
      const b = product();
      a = b ? { k, a, b } : undefined;
    }
    return a;
  };
  const product = (): SimpleFormula | undefined => {
    let a = unary();
    while (a && (isOp('*') || isOp('/'))) {
      const k = (tokens[i++] as { op: '*' | '/' }).op;
      const b = unary();
      a = b ? { k, a, b } : undefined;
    }
    return a;
  };
  const unary = (): SimpleFormula | undefined => {
    if (isOp('-') || isOp('+')) {
      const k = isOp('-') ? 'neg' : 'pos';
      i++;
      const a = unary();
      return a ? { k, a } : undefined;
    }
    const t = tokens[i++];
    if (t === undefined) return undefined;
    if ('num' in t) return { k: 'num', v: t.num };
    if ('path' in t) return { k: 'path', names: t.path };
    if (t.op !== '(') return undefined;
    const inner = sum();
    return inner && isOp(')') ? (i++, inner) : undefined;
  };
  const f = sum();
  return f && i === tokens.length ? f : undefined;
}

/** A plain object as mathjs' getSafeProperty sees it (its constructor is Object). */
const isPlain = (x: unknown): x is Record<string, unknown> =>
  x !== null && typeof x === 'object' && (x as { constructor?: unknown }).constructor === Object;

/** The value of `f` over `scope`, as mathjs' evaluate gives it; undefined when only mathjs can say (see SimpleFormula). */
export function evaluateSimple(f: SimpleFormula, scope: Record<string, unknown>): number | undefined {
  switch (f.k) {
    case 'num':
      return f.v;
    case 'path': {
      let cur: unknown = scope;
      for (const name of f.names) {
        if (!isPlain(cur) || name in Object.prototype || !Object.hasOwn(cur, name)) return undefined;
        cur = cur[name];
      }
      return typeof cur === 'number' ? cur : undefined;
    }
    case 'neg':
    case 'pos': {
      const a = evaluateSimple(f.a, scope);
      return a === undefined ? undefined : f.k === 'neg' ? -a : a;
    }
    default: {
      const a = evaluateSimple(f.a, scope);
      const b = a === undefined ? undefined : evaluateSimple(f.b, scope);
      if (a === undefined || b === undefined) return undefined;
      return f.k === '+' ? a + b : f.k === '-' ? a - b : f.k === '*' ? a * b : a / b;
    }
  }
}
