// One unit of a script (an if/elsif/else chain or a bare action) -> model
// rules, or a refusal with the reason the unit stays verbatim. All or
// nothing: a rule is never imported with a test or an action left out.
import { readsSpamVerdict } from '../emit/sieve/tests.js';
import type { Combine, Condition, Rule } from '../model.js';
import type { SieveArgument, SieveComment, SieveCommand, SieveTest } from '../sieve-ast.js';
import { commentText } from '../emit/sieve-strings.js';
import { convertActions, vacationWindow, type ActionContext } from './sieve-actions.js';
import { ok, refuse, type Outcome } from './sieve-args.js';
import { parseSieveTest } from './sieve-parse.js';
import { literalValue, unwrapExemption, type Substitution } from './sieve-own.js';
import { convertTest, type SpecialTest } from './sieve-tests.js';
import type { Unit } from './sieve-units.js';

export interface RuleContext {
  actions: ActionContext;
  special?: SpecialTest;
  /** What `${` in a string means under the script's requires. */
  strings: Substitution;
  /**
   * The script remembers the whitelist verdict (sievewright's own output):
   * rules wrapped in the exemption are unwrapped, and a rule reading the
   * spam verdict without it was a locked one.
   */
  whitelistRemembered: boolean;
}

interface Branch {
  enabled: boolean;
  condition: Condition;
  /** The comment holding a disabled rule's test, which the rule itself represents. */
  consumed?: SieveComment[];
  exempted?: boolean;
}

export function convertUnit(original: Unit, name: string, ctx: RuleContext): Outcome<Rule[]> {
  const commands = literalCommands(original.commands, ctx.strings);
  if (commands === null) return refuse('a string with ${...} that the script expands');
  const unit = { ...original, commands };
  if (unit.kind === 'command') {
    const actions = convertActions(unit.commands, ctx.actions);
    if (!actions.ok) return actions;
    return ok([{ name, enabled: true, ...commentsOf(unit.inner), combine: 'all', conditions: [{ kind: 'always' }], actions: actions.value }]);
  }
  const only = unit.commands[0]!;
  if (unit.commands.length === 1 && only.tests.length === 1 && vacationWindow(only.tests[0]!)) {
    // A vacation bounded by dates (Roundcube's shape): the window is part of the vacation.
    const actions = convertActions(unit.commands, ctx.actions);
    if (actions.ok) {
      return ok([{ name, enabled: true, ...commentsOf(unit.inner), combine: 'all', conditions: [{ kind: 'always' }], actions: actions.value }]);
    }
  }
  return convertChain(unit, name, ctx);
}

function convertChain(unit: Unit, name: string, ctx: RuleContext): Outcome<Rule[]> {
  const branches: Branch[] = [];
  for (const cmd of unit.commands) {
    if (cmd.name.toLowerCase() === 'else') {
      if (cmd.tests.length > 0 || cmd.arguments.length > 0) return refuse("malformed 'else'");
      continue;
    }
    const branch = readBranch(cmd, unit.inner, ctx);
    if (!branch.ok) return branch;
    branches.push(branch.value);
  }
  const consumed = new Set(branches.flatMap((b) => b.consumed ?? []));
  const comments = unit.inner.filter((c) => !consumed.has(c));
  if (branches.length > 1 && branches.some((b) => !b.enabled)) return refuse('a disabled branch in an if/elsif chain');

  const rules: Rule[] = [];
  for (let i = 0; i < unit.commands.length; i++) {
    const cmd = unit.commands[i]!;
    const actions = convertActions(cmd.block ?? [], ctx.actions);
    if (!actions.ok) return actions;
    // Branch i runs when every earlier branch's test failed and its own holds.
    const earlier = branches.slice(0, i).map((b): Condition => ({ kind: 'not', condition: b.condition }));
    const own = branches[i];
    const shape = earlier.length === 0 && own ? topLevel(own.condition) : { combine: 'all' as Combine, conditions: [...earlier, ...(own ? [own.condition] : [])] };
    const locked = ctx.whitelistRemembered && own?.enabled === true && !own.exempted && shape.conditions.some(readsSpamVerdict);
    // A comment belongs to the branch it sits in, or to the next one when it sits between two.
    const after = i === 0 ? -Infinity : unit.commands[i - 1]!.loc.end.offset;
    const before = i === unit.commands.length - 1 ? Infinity : cmd.loc.end.offset;
    rules.push({
      name: i === 0 ? name : `${name} (${own ? 'elsif' : 'else'} ${i})`,
      enabled: own?.enabled ?? true,
      ...commentsOf(comments.filter((c) => c.loc.start.offset >= after && c.loc.start.offset < before)),
      combine: shape.combine,
      conditions: shape.conditions,
      actions: actions.value,
      ...(locked ? { locked } : {}),
    });
  }
  return ok(rules);
}

function readBranch(cmd: SieveCommand, inner: readonly SieveComment[], ctx: RuleContext): Outcome<Branch> {
  const test = cmd.tests[0];
  if (cmd.block === null || cmd.arguments.length > 0 || cmd.testList || cmd.tests.length !== 1 || !test) {
    return refuse(`malformed '${cmd.name}'`);
  }
  if (test.name.toLowerCase() === 'false' && test.arguments.length === 0) {
    // Roundcube disables a rule as `if false # <its test>`; sievewright
    // continues a test spanning lines with `# ` on each following line.
    // The test's comment starts on its line and continues on the lines right after it, before the `{`.
    const kept: SieveComment[] = [];
    for (const c of inner) {
      const line = kept.length === 0 ? test.loc.end.line : kept[kept.length - 1]!.loc.start.line + 1;
      if (c.style === 'hash' && c.loc.start.offset >= test.loc.end.offset && c.loc.start.line === line) kept.push(c);
    }
    if (kept.length === 0) return refuse("'if false' without the disabled rule's test");
    const parsed = parseSieveTest(kept.map((c) => c.text.replace(/^ /, '')).join('\n'));
    if (!parsed.value) return refuse("the disabled rule's test does not parse");
    const literal = literalTest(parsed.value, ctx.strings);
    if (literal === null) return refuse('a string with ${...} that the script expands');
    const condition = convertTest(literal, ctx.special);
    return condition.ok ? ok({ enabled: false, condition: condition.value, consumed: kept }) : condition;
  }
  const unwrapped = ctx.whitelistRemembered ? unwrapExemption(test) : null;
  const condition = convertTest(unwrapped ?? test, ctx.special);
  return condition.ok ? ok({ enabled: true, condition: condition.value, exempted: unwrapped !== null }) : condition;
}

/**
 * Comments inside a rule, as the model's comment lines: a hash comment is
 * one line (less the space after `#`), a bracket comment one line per
 * non-empty line. Control characters become spaces, as in any `#` line.
 */
function commentsOf(comments: readonly SieveComment[]): { comments?: string[] } {
  const lines = comments.flatMap((c) =>
    c.style === 'hash'
      ? [c.text.replace(/^ /, '').replace(/\r$/, '')]
      : c.text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== ''),
  );
  return lines.length > 0 ? { comments: lines.map(commentText) } : {};
}

/** How a rule's own test reads as the model's top-level combine and conditions. */
function topLevel(c: Condition): { combine: Combine; conditions: Condition[] } {
  if (c.kind === 'group') return { combine: c.combine, conditions: c.conditions };
  if (c.kind === 'not' && c.condition.kind === 'group' && c.condition.combine === 'any') {
    return { combine: 'none', conditions: c.condition.conditions };
  }
  return { combine: 'all', conditions: [c] };
}

// Strings as the script means them when `${` is substituted; null when one
// would expand into something other than its literal text.
export function literalCommands(commands: readonly SieveCommand[], sub: Substitution): SieveCommand[] | null {
  const out: SieveCommand[] = [];
  for (const c of commands) {
    const args = literalArgs(c.arguments, sub);
    const tests = c.tests.map((t) => literalTest(t, sub));
    const block = c.block === null ? null : literalCommands(c.block, sub);
    if (args === null || tests.includes(null) || (c.block !== null && block === null)) return null;
    out.push({ ...c, arguments: args, tests: tests as SieveTest[], block });
  }
  return out;
}

function literalTest(t: SieveTest, sub: Substitution): SieveTest | null {
  // The exemption reads the whitelist variable on purpose.
  const unwrapped = unwrapExemption(t);
  if (unwrapped) {
    const inner = literalTest(unwrapped, sub);
    return inner && { ...t, tests: [t.tests[0]!, inner] };
  }
  const args = literalArgs(t.arguments, sub);
  const tests = t.tests.map((x) => literalTest(x, sub));
  if (args === null || tests.includes(null)) return null;
  return { ...t, arguments: args, tests: tests as SieveTest[] };
}

function literalArgs(args: readonly SieveArgument[], sub: Substitution): SieveArgument[] | null {
  const out: SieveArgument[] = [];
  for (const a of args) {
    if (a.type === 'string') {
      const value = literalValue(a, sub);
      if (value === null) return null;
      out.push({ ...a, value });
    } else if (a.type === 'string-list') {
      const items = a.items.map((s) => {
        const value = literalValue(s, sub);
        return value === null ? null : { ...s, value };
      });
      if (items.includes(null)) return null;
      out.push({ ...a, items: items as typeof a.items });
    } else out.push(a);
  }
  return out;
}
