// Evaluates a regex as Pigeonhole's :regex does at delivery: glibc regexec
// on the UTF-8 bytes of the value, C locale, without REG_NEWLINE (so `^`
// and `$` are the ends of the whole value and `.` matches a line break),
// and under REG_ICASE (every comparator but i;octet) with ASCII-only
// folding: glibc upper-cases the pattern and the value before matching,
// except a byte written with a backslash, which keeps its case.
//
// The regex becomes a small byte program (Thompson's construction, counted
// repetitions copied out as glibc does). Without back-references a state-set
// simulation answers in time linear in the value; with them a depth-first
// search with a visited set looks for any assignment that matches, which is
// what "does it match" asks.
import type { BracketItem, RegexNode } from './ast.js';
import { toByteString } from './bytes.js';
import { parseRegex, upper, type ParsedRegex, type RegexOptions, type RegexProblem } from './parse.js';

const enum Op {
  Set,
  Split,
  Jump,
  Save,
  Assert,
  BackRef,
  Match,
}

const enum Assertion {
  Start,
  End,
  WordStart,
  WordEnd,
  WordBoundary,
  NotWordBoundary,
}

interface Program {
  op: Op[];
  /** Set: the byte set; Split/Jump: the target; Save: the slot; Assert: the assertion; BackRef: the group. */
  arg: number[];
  /** Split: the second target. */
  arg2: number[];
  sets: Uint8Array[];
  backrefs: boolean;
  slots: number;
}

export class RegexError extends Error {
  constructor(readonly problem: RegexProblem) {
    super(problem.message);
    this.name = 'RegexError';
  }
}

export interface CompiledRegex {
  readonly regex: ParsedRegex;
  /** Does the regex match anywhere in `subject`, as the mail server decides? */
  test(subject: string): boolean;
}

/** Compiles `pattern`; throws RegexError when the mail server would refuse it. */
export function compileRegex(pattern: string, opts: RegexOptions = {}): CompiledRegex {
  const parsed = parseRegex(pattern, opts);
  if (!parsed.ok) throw new RegexError(parsed.problem);
  return compileParsed(parsed.regex);
}

export function compileParsed(regex: ParsedRegex): CompiledRegex {
  const program = build(regex);
  return {
    regex,
    test(subject: string): boolean {
      let bytes = toByteString(subject);
      if (!regex.caseSensitive) bytes = upperBytes(bytes);
      return program.backrefs ? searchBacktracking(program, bytes) : searchStates(program, bytes);
    },
  };
}

/** One-off match; see compileRegex for reuse. */
export function matchesRegex(pattern: string, subject: string, opts: RegexOptions = {}): boolean {
  return compileRegex(pattern, opts).test(subject);
}


function upperBytes(bytes: string): string {
  return /[a-z]/.test(bytes) ? bytes.replace(/[a-z]+/g, (s) => s.toUpperCase()) : bytes;
}

// ---------------------------------------------------------------- classes

const isWord = (b: number): boolean => (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b === 95;

const CLASS_TESTS: Record<string, (b: number) => boolean> = {
  alnum: (b) => (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122),
  alpha: (b) => (b >= 65 && b <= 90) || (b >= 97 && b <= 122),
  blank: (b) => b === 32 || b === 9,
  cntrl: (b) => b < 32 || b === 127,
  digit: (b) => b >= 48 && b <= 57,
  graph: (b) => b >= 33 && b <= 126,
  lower: (b) => b >= 97 && b <= 122,
  print: (b) => b >= 32 && b <= 126,
  punct: (b) => b >= 33 && b <= 126 && !CLASS_TESTS.alnum!(b),
  space: (b) => (b >= 9 && b <= 13) || b === 32,
  upper: (b) => b >= 65 && b <= 90,
  xdigit: (b) => (b >= 48 && b <= 57) || (b >= 65 && b <= 70) || (b >= 97 && b <= 102),
};

function classSet(test: (b: number) => boolean, negated: boolean): Uint8Array {
  const set = new Uint8Array(256);
  for (let b = 1; b < 256; b++) set[b] = test(b) !== negated ? 1 : 0;
  return set;
}

function bracketSet(items: readonly BracketItem[], negated: boolean, caseSensitive: boolean): Uint8Array {
  const set = new Uint8Array(256);
  const fold = (b: number): number => (caseSensitive ? b : upper(b));
  const point = (e: BracketItem): number => (e.type === 'byte' ? fold(e.value) : fold((e as { name: string }).name.charCodeAt(0)));
  for (const item of items) {
    if (item.type === 'range') {
      for (let b = point(item.from); b <= point(item.to); b++) set[b] = 1;
    } else if (item.type === 'class') {
      // glibc: under REG_ICASE, [:upper:] and [:lower:] mean [:alpha:].
      const name = !caseSensitive && (item.name === 'upper' || item.name === 'lower') ? 'alpha' : item.name;
      const test = CLASS_TESTS[name]!;
      for (let b = 0; b < 256; b++) if (test(b)) set[b] = 1;
    } else {
      set[point(item)] = 1;
    }
  }
  if (negated) for (let b = 0; b < 256; b++) set[b] = set[b] ? 0 : 1;
  return set;
}

// ---------------------------------------------------------------- compiler

function build(regex: ParsedRegex): Program {
  const p: Program = { op: [], arg: [], arg2: [], sets: [], backrefs: false, slots: 2 * (regex.groups + 1) };
  const setIds = new Map<string, number>();
  const emit = (op: Op, arg = 0, arg2 = 0): number => {
    p.op.push(op);
    p.arg.push(arg);
    p.arg2.push(arg2);
    return p.op.length - 1;
  };
  const emitSet = (set: Uint8Array): void => {
    const key = set.join('');
    let id = setIds.get(key);
    if (id === undefined) {
      id = p.sets.length;
      p.sets.push(set);
      setIds.set(key, id);
    }
    emit(Op.Set, id);
  };
  const single = (b: number): Uint8Array => {
    const set = new Uint8Array(256);
    set[b] = 1;
    return set;
  };
  const cs = regex.caseSensitive;

  const gen = (n: RegexNode): void => {
    switch (n.type) {
      case 'byte':
        return emitSet(single(cs || n.escaped ? n.value : upper(n.value)));
      case 'text':
        for (let i = 0; i < n.bytes.length; i++) emitSet(single(cs ? n.bytes.charCodeAt(i) : upper(n.bytes.charCodeAt(i))));
        return;
      case 'any':
        return emitSet(classSet(() => true, false));
      case 'set':
        return emitSet(bracketSet(n.items, n.negated, cs));
      case 'class-escape':
        return emitSet(classSet(n.name === 'w' || n.name === 'W' ? isWord : CLASS_TESTS.space!, n.name === 'W' || n.name === 'S'));
      case 'backref':
        p.backrefs = true;
        emit(Op.BackRef, n.index);
        return;
      case 'anchor':
        emit(Op.Assert, ASSERTIONS[n.kind]);
        return;
      case 'group':
        emit(Op.Save, 2 * n.index);
        if (n.body) gen(n.body);
        emit(Op.Save, 2 * n.index + 1);
        return;
      case 'seq':
        for (const item of n.items) gen(item);
        return;
      case 'alt': {
        const jumps: number[] = [];
        n.branches.forEach((b, i) => {
          if (i < n.branches.length - 1) {
            const split = emit(Op.Split);
            p.arg[split] = split + 1;
            gen(b);
            jumps.push(emit(Op.Jump));
            p.arg2[split] = p.op.length;
          } else gen(b);
        });
        for (const j of jumps) p.arg[j] = p.op.length;
        return;
      }
      case 'repeat': {
        for (let i = 0; i < n.min; i++) gen(n.body);
        if (n.max === -1) {
          const split = emit(Op.Split);
          p.arg[split] = split + 1;
          gen(n.body);
          emit(Op.Jump, split);
          p.arg2[split] = p.op.length;
        } else {
          const splits: number[] = [];
          for (let i = n.min; i < n.max; i++) {
            const split = emit(Op.Split);
            p.arg[split] = split + 1;
            splits.push(split);
            gen(n.body);
          }
          for (const s of splits) p.arg2[s] = p.op.length;
        }
        return;
      }
    }
  };
  gen(regex.tree);
  emit(Op.Match);
  return p;
}

const ASSERTIONS: Record<string, Assertion> = {
  bol: Assertion.Start,
  'buffer-start': Assertion.Start,
  eol: Assertion.End,
  'buffer-end': Assertion.End,
  'word-start': Assertion.WordStart,
  'word-end': Assertion.WordEnd,
  'word-boundary': Assertion.WordBoundary,
  'not-word-boundary': Assertion.NotWordBoundary,
};

function holds(a: Assertion, bytes: string, pos: number): boolean {
  switch (a) {
    case Assertion.Start:
      return pos === 0;
    case Assertion.End:
      return pos === bytes.length;
  }
  const before = pos > 0 && isWord(bytes.charCodeAt(pos - 1));
  const after = pos < bytes.length && isWord(bytes.charCodeAt(pos));
  switch (a) {
    case Assertion.WordStart:
      return !before && after;
    case Assertion.WordEnd:
      return before && !after;
    case Assertion.WordBoundary:
      return before !== after;
    default:
      return before === after;
  }
}

// ---------------------------------------------------------------- matchers

/** State-set simulation: every thread advances one byte at a time. */
function searchStates(p: Program, bytes: string): boolean {
  const n = p.op.length;
  let current = new Int32Array(n);
  let next = new Int32Array(n);
  let currentCount = 0;
  const mark = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n * 2 + 2);
  // Adds `start` and its epsilon closure at `pos` to `list`: the new count, or -1 when Match is reached.
  const add = (list: Int32Array, count: number, start: number, pos: number, stamp: number): number => {
    let sp = 0;
    stack[sp++] = start;
    while (sp > 0) {
      const pc = stack[--sp]!;
      if (mark[pc] === stamp) continue;
      mark[pc] = stamp;
      switch (p.op[pc]) {
        case Op.Jump:
          stack[sp++] = p.arg[pc]!;
          break;
        case Op.Split:
          stack[sp++] = p.arg2[pc]!;
          stack[sp++] = p.arg[pc]!;
          break;
        case Op.Save:
          stack[sp++] = pc + 1;
          break;
        case Op.Assert:
          if (holds(p.arg[pc]!, bytes, pos)) stack[sp++] = pc + 1;
          break;
        case Op.Match:
          return -1;
        default:
          list[count++] = pc;
      }
    }
    return count;
  };
  for (let pos = 0; ; pos++) {
    // The closure at `pos` shares its stamp with the threads carried into `pos`, so they merge.
    currentCount = add(current, currentCount, 0, pos, pos);
    if (currentCount < 0) return true;
    if (pos === bytes.length) return false;
    const b = bytes.charCodeAt(pos);
    let nextCount = 0;
    for (let i = 0; i < currentCount; i++) {
      const pc = current[i]!;
      if (p.sets[p.arg[pc]!]![b]) {
        nextCount = add(next, nextCount, pc + 1, pos + 1, pos + 1);
        if (nextCount < 0) return true;
      }
    }
    [current, next] = [next, current];
    currentCount = nextCount;
  }
}

/** Depth-first search over (instruction, position, captures); any path to Match is a match. */
function searchBacktracking(p: Program, bytes: string): boolean {
  const seen = new Set<string>();
  const caps = new Int32Array(p.slots).fill(-1);
  const run = (pc: number, pos: number): boolean => {
    for (;;) {
      const key = `${pc},${pos},${caps.join(',')}`;
      if (seen.has(key)) return false;
      seen.add(key);
      switch (p.op[pc]) {
        case Op.Match:
          return true;
        case Op.Set:
          if (pos >= bytes.length || !p.sets[p.arg[pc]!]![bytes.charCodeAt(pos)]) return false;
          pc++;
          pos++;
          break;
        case Op.Jump:
          pc = p.arg[pc]!;
          break;
        case Op.Split:
          if (run(p.arg[pc]!, pos)) return true;
          pc = p.arg2[pc]!;
          break;
        case Op.Save: {
          const slot = p.arg[pc]!;
          const old = caps[slot]!;
          caps[slot] = pos;
          if (run(pc + 1, pos)) return true;
          caps[slot] = old;
          return false;
        }
        case Op.Assert:
          if (!holds(p.arg[pc]!, bytes, pos)) return false;
          pc++;
          break;
        case Op.BackRef: {
          const k = p.arg[pc]!;
          const from = caps[2 * k]!;
          const to = caps[2 * k + 1]!;
          if (from < 0 || to < 0) return false;
          const len = to - from;
          if (pos + len > bytes.length || bytes.slice(pos, pos + len) !== bytes.slice(from, to)) return false;
          pos += len;
          pc++;
          break;
        }
      }
    }
  };
  for (let start = 0; start <= bytes.length; start++) {
    caps.fill(-1);
    if (run(0, start)) return true;
  }
  return false;
}
