// The tree of a POSIX extended regex as grammar/posix-regex.peggy builds it.
// Offsets (`at`, `end`) are byte offsets into the regex's UTF-8 form.

interface Span {
  at: number;
  end: number;
}

export type AnchorKind = 'bol' | 'eol' | 'word-start' | 'word-end' | 'word-boundary' | 'not-word-boundary' | 'buffer-start' | 'buffer-end';

export interface Quantifier extends Span {
  type: 'q';
  min: number;
  /** -1: no upper bound. */
  max: number;
  text: string;
  /** An interval written with a backslash inside, such as `{1\,2}`. */
  escaped?: boolean;
  /** `{,n}`: a GNU extension for `{0,n}`. */
  omittedMin?: boolean;
}

/** A byte in a bracket expression, or one end of a range. */
export interface BracketByte extends Span {
  type: 'byte';
  value: number;
}

/** `[:alpha:]`, `[=a=]`, `[.a.]`: the name is the raw bytes between the delimiters. */
export interface BracketName extends Span {
  type: 'class' | 'equiv' | 'coll';
  name: string;
}

export interface BracketRange extends Span {
  type: 'range';
  from: BracketByte | BracketName;
  to: BracketByte | BracketName;
}

export type BracketItem = BracketByte | BracketName | BracketRange;

export type RegexNode =
  | (Span & { type: 'alt'; branches: RegexNode[] })
  | (Span & { type: 'seq'; items: RegexNode[] })
  | (Span & { type: 'group'; index: number; body: RegexNode | null })
  | (Span & { type: 'repeat'; body: RegexNode; min: number; max: number; op: Quantifier })
  /** A literal byte; `escaped` when written with a backslash, `paren` for a `)` outside any group. */
  | (Span & { type: 'byte'; value: number; escaped: boolean; paren?: boolean })
  /** Literal bytes in a row, none of them quantified. */
  | (Span & { type: 'text'; bytes: string })
  | (Span & { type: 'any' })
  | (Span & { type: 'set'; negated: boolean; items: BracketItem[] })
  | (Span & { type: 'class-escape'; name: 'w' | 'W' | 's' | 'S' })
  | (Span & { type: 'backref'; index: number })
  | (Span & { type: 'anchor'; kind: AnchorKind; escape?: string });
