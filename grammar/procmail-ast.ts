// The syntax tree `procmail.peggy` produces for a procmailrc, following
// procmailrc(5). It records what was written, with positions; meaning
// (variable values, macro expansion, regex semantics) is the converter's job.
import type { Position } from './diagnostics.js';

export interface Span {
  start: Position;
  end: Position;
}

/** A piece of a shell-like word: literal text, `$VAR` / `${VAR...}`, or a backquoted command. */
export type WordPart =
  | { kind: 'text'; text: string }
  /** `regexQuote`: `$\name`, the value with every regex-magic character escaped. */
  | { kind: 'var'; name: string; op?: ':-' | '-' | ':+' | '+'; alt?: WordPart[]; quoted: boolean; regexQuote?: boolean }
  | { kind: 'command'; command: string };

export interface Assignment {
  kind: 'assignment';
  name: string;
  /** null: a bare `NAME` line, which removes the variable. */
  value: WordPart[] | null;
  span: Span;
}

/** The body of a condition line after `*`, as procmailrc(5) "special conditions" describe it. */
export type ConditionBody =
  | { kind: 'regex'; pattern: string }
  | { kind: 'not'; body: ConditionBody }
  /** `$`: the rest is expanded like a double-quoted sh string, then re-parsed. */
  | { kind: 'expand'; text: string }
  | { kind: 'program'; command: string }
  | { kind: 'size'; comparison: '<' | '>'; bytes: number }
  /** `VAR ?? rest`; VAR `H`, `B`, `HB`, `BH` only choose the search area. */
  | { kind: 'variable'; name: string; body: ConditionBody };

export interface ProcmailCondition {
  /** `w^x` scoring; absent for an ordinary condition. */
  weight?: { w: number; x: number };
  body: ConditionBody;
  /** The condition text after `*`, continuation lines joined. */
  text: string;
  span: Span;
}

export type ProcmailAction =
  | { kind: 'folder'; text: string }
  | { kind: 'forward'; text: string }
  | { kind: 'pipe'; command: string; capture?: string }
  /** `closed` is false when the file or outer block ended before the `}`. */
  | { kind: 'block'; items: ProcmailItem[]; closed: boolean }
  /** The recipe has no action line (end of file or block reached). */
  | { kind: 'missing' };

export interface Recipe {
  kind: 'recipe';
  /** `:0` normally; old-style `:N` announces N conditions. */
  number: number;
  flags: string;
  /** null: no lock; '' : the default local lock; else the lockfile name. */
  lock: string | null;
  conditions: ProcmailCondition[];
  action: ProcmailAction;
  actionSpan: Span;
  span: Span;
  /** Text on the `:0` line the grammar could not read (reported, not fatal). */
  headerJunk?: { text: string; span: Span };
}

/** A line the grammar could not read; parsing resumes on the next line. */
export interface BadLine {
  kind: 'bad';
  text: string;
  message: string;
  span: Span;
}

export type ProcmailItem = Assignment | Recipe | BadLine;

export interface ProcmailFile {
  items: ProcmailItem[];
}
