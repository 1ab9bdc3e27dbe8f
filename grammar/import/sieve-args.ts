// Reads the arguments of one Sieve command or test against what the importer
// understands of it. Anything outside that (an unknown tag, a tag given
// twice, a missing or extra positional argument) makes the reader refuse, and
// the caller keeps the whole construct verbatim instead of guessing.
import type { SieveArgument, SieveCommand, SieveTest } from '../sieve-ast.js';
import { ownEntry } from '../own.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

export function ok<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function refuse<T>(reason: string): Outcome<T> {
  return { ok: false, reason };
}

/** What follows a tag: nothing, or one argument of this type. */
export type TagValue = 'none' | 'string' | 'strings' | 'number';
export type Positional = 'string' | 'strings' | 'number';

export interface ArgSpec {
  tags: Record<string, TagValue>;
  positional: Positional[];
  /** Groups of tags at most one of which may appear (e.g. the match types). */
  exclusive?: string[][];
}

export interface ReadArgs {
  /** Lower-cased tag name to its value (`null` for a tag without one). */
  tags: Map<string, SieveArgument | null>;
  positional: SieveArgument[];
}

function fits(arg: SieveArgument | undefined, kind: Positional | TagValue): boolean {
  if (!arg) return false;
  if (kind === 'string') return arg.type === 'string';
  if (kind === 'strings') return arg.type === 'string' || arg.type === 'string-list';
  if (kind === 'number') return arg.type === 'number';
  return false;
}

export function readArgs(node: SieveCommand | SieveTest, spec: ArgSpec): Outcome<ReadArgs> {
  const what = `${node.name}`;
  const tags = new Map<string, SieveArgument | null>();
  const positional: SieveArgument[] = [];
  const args = node.arguments;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.type !== 'tag') {
      positional.push(arg);
      continue;
    }
    const name = arg.name.toLowerCase();
    const kind = ownEntry(spec.tags, name);
    if (kind === undefined) return refuse(`'${what}' with tag ':${name}'`);
    if (tags.has(name)) return refuse(`'${what}' with tag ':${name}' given twice`);
    if (positional.length > 0) return refuse(`'${what}' with tag ':${name}' after its positional arguments`);
    if (kind === 'none') {
      tags.set(name, null);
      continue;
    }
    const value = args[i + 1];
    if (!fits(value, kind)) return refuse(`'${what}' with tag ':${name}' missing its value`);
    tags.set(name, value!);
    i++;
  }
  if (positional.length !== spec.positional.length || !spec.positional.every((kind, i) => fits(positional[i], kind))) {
    return refuse(`'${what}' with unexpected arguments`);
  }
  for (const group of spec.exclusive ?? []) {
    if (group.filter((t) => tags.has(t)).length > 1) return refuse(`'${what}' with conflicting tags`);
  }
  return ok({ tags, positional });
}
