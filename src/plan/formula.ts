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
