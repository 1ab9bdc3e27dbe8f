// The syntax tree produced by grammar/sieve.peggy (RFC 5228 section 8).
// The grammar knows no command or test names: extensions are data here, and
// meaning is given to names only by the importer. Every node keeps its exact
// source span so the importer can cut verbatim slices out of the script.

export interface SourcePoint {
  /** 0-based UTF-16 offset into the script. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface Span {
  start: SourcePoint;
  /** Just past the node. */
  end: SourcePoint;
}

export interface SieveString {
  type: 'string';
  /** The value after unescaping (quoted) or dot-unstuffing (multi-line). */
  value: string;
  form: 'quoted' | 'multiline';
  loc: Span;
}

export interface SieveStringList {
  type: 'string-list';
  items: SieveString[];
  loc: Span;
}

export interface SieveNumber {
  type: 'number';
  /** With the quantifier applied (K = 2^10, M = 2^20, G = 2^30). */
  value: number;
  /** As written, e.g. `100K`. */
  raw: string;
  loc: Span;
}

export interface SieveTag {
  type: 'tag';
  /** Without the colon, as written (Sieve identifiers are case-insensitive). */
  name: string;
  loc: Span;
}

export type SieveArgument = SieveString | SieveStringList | SieveNumber | SieveTag;

export interface SieveTest {
  type: 'test';
  /** As written. */
  name: string;
  arguments: SieveArgument[];
  /** A single test argument is one element; a test list `(a, b)` is several. */
  tests: SieveTest[];
  /** Whether the tests were written as a parenthesised test list. */
  testList: boolean;
  loc: Span;
}

export interface SieveCommand {
  type: 'command';
  /** As written. */
  name: string;
  arguments: SieveArgument[];
  tests: SieveTest[];
  testList: boolean;
  /** `null` for a command ended by `;`. */
  block: SieveCommand[] | null;
  loc: Span;
}

export interface SieveComment {
  type: 'comment';
  style: 'hash' | 'bracket';
  /** The comment body without `#` or the slash-star delimiters. */
  text: string;
  loc: Span;
}

export interface SieveScript {
  type: 'script';
  commands: SieveCommand[];
  /** Every comment in the script, in source order. */
  comments: SieveComment[];
  loc: Span;
}

export function isString(arg: SieveArgument | undefined): arg is SieveString {
  return arg?.type === 'string';
}

/** A string or a string list, as the values it stands for. */
export function stringValues(arg: SieveArgument | undefined): string[] | null {
  if (arg?.type === 'string') return [arg.value];
  if (arg?.type === 'string-list') return arg.items.map((s) => s.value);
  return null;
}
