// Rules DSL text -> RuleSet, with every problem reported as a diagnostic.
// Syntax errors do not stop the reading: when the whole text fails, it is
// re-read block by block (a block starts at a line beginning with a top-level
// keyword), so one broken rule does not hide errors in the others. Semantic
// checks (grammar/validate.ts) run over whatever was read and point at the
// text of the node they concern.
import { hasErrors, type Diagnostic, type Position } from './diagnostics.js';
import { parse, SyntaxError as GrammarSyntaxError, type Expectation } from './generated/rules.js';
import { DEFAULT_SETTINGS, type BlocklistEntry, type RuleItem, type RuleSet, type SpamSettings, type WhitelistEntry } from './model.js';
import { findProblems, MAX_CONDITION_DEPTH, type ValidateOptions } from './validate.js';

/** A settings line as the grammar reads it. */
export type SettingLine =
  | { key: 'junkFolder'; value: string }
  | { key: 'threshold'; value: number }
  | { key: 'spamFilter'; value: boolean }
  | { key: 'trustedAuthservId'; value: string };

/** A top-level entry as the grammar reads it. */
export type Entry =
  | { type: 'settings'; lines: SettingLine[] }
  | { type: 'whitelist'; entries: WhitelistEntry[] }
  | { type: 'blocklist'; entries: BlocklistEntry[] }
  | { type: 'item'; item: RuleItem };

/** A node's place in the text as UTF-16 offsets; turned into line:column only when reported. */
interface Span {
  start: number;
  end: number;
}

export interface ParsedRules {
  /** Null when the text has errors; warnings alone still yield the rule set. */
  ruleSet: RuleSet | null;
  /** Sorted by position; diagnostics without a position come last. */
  diagnostics: Diagnostic[];
}

/** Reads the text and runs the semantic checks (validateRuleSet, for the server `opts` describe), with positions. */
export function parseRules(text: string, opts: ValidateOptions = {}): ParsedRules {
  const spans = new SpanTable();
  const { entries, diagnostics } = readEntries(text, spans);
  const { ruleSet, settingSpans } = assemble(text, entries, spans, diagnostics);
  let positions: LineIndex | undefined;
  for (const { diagnostic, node, field } of findProblems(ruleSet, opts)) {
    const span = node === ruleSet.settings && field ? settingSpans.get(field) : spans.get(node);
    positions ??= new LineIndex(text);
    diagnostics.push(span ? { ...diagnostic, ...positions.span(span) } : diagnostic);
  }
  diagnostics.sort(byPosition);
  return { ruleSet: hasErrors(diagnostics) ? null : ruleSet, diagnostics };
}

/**
 * Reads the text without the semantic checks: the rule set is null only when
 * the syntax is broken. For tools that must see a model the validator would
 * refuse (an editor showing what was typed, the printer's own tests).
 */
export function readRules(text: string): ParsedRules {
  const spans = new SpanTable();
  const { entries, diagnostics } = readEntries(text, spans);
  const { ruleSet } = assemble(text, entries, spans, diagnostics);
  diagnostics.sort(byPosition);
  return { ruleSet: hasErrors(diagnostics) ? null : ruleSet, diagnostics };
}

/** After this many syntax errors the rest of the text is not read. */
const MAX_SYNTAX_ERRORS = 25;

/**
 * Reads the whole text; on a syntax error, keeps the blocks before the one
 * that failed, reports the error and goes on from the block after it. Peggy stops
 * at the first failing block, so every block before it is known to be sound.
 */
function readEntries(text: string, spans: SpanTable): { entries: Entry[]; diagnostics: Diagnostic[] } {
  const entries: Entry[] = [];
  const errors: GrammarSyntaxError[] = [];
  const starts = blockStarts(text);
  let from = 0;
  while (from < text.length || from === 0) {
    const rest = readChunk(text, from, text.length, spans);
    entries.push(...rest.entries);
    if (!rest.error) break;
    errors.push(rest.error);
    const at = rest.error.location.start.offset;
    // The failing block started before the error; an error right at a block
    // start belongs to the block above it, which never closed.
    const culprit = starts.filter((s) => s >= from && s < at).pop() ?? from;
    if (culprit > from) entries.push(...readChunk(text, from, culprit, spans).entries);
    const next = starts.find((s) => s > culprit && s >= at);
    if (next === undefined || errors.length >= MAX_SYNTAX_ERRORS) break;
    from = next;
  }
  const positions = errors.length > 0 ? new LineIndex(text) : null;
  const diagnostics = positions ? errors.map((e) => syntaxDiagnostic(text, e, positions)) : [];
  if (errors.length >= MAX_SYNTAX_ERRORS) {
    // Placed where reading stopped: the last error shown.
    const last = diagnostics[diagnostics.length - 1];
    diagnostics.push({ code: 'too_many_errors', severity: 'error', message: `stopped reading after ${MAX_SYNTAX_ERRORS} syntax errors`, ...(last?.start ? { start: last.start } : {}) });
  }
  return { entries, diagnostics };
}

/** Lines that begin (at column 1) with a top-level keyword start a new block. */
const BLOCK_START = /^(?:rule|raw|settings|whitelist|blocklist)(?![A-Za-z0-9_-])/gm;

const BLOCK_AT = /^(?:rule|raw|settings|whitelist|blocklist)(?![A-Za-z0-9_-])/;

function blockStarts(text: string): number[] {
  const starts = [0];
  for (const m of text.matchAll(BLOCK_START)) if (m.index > 0) starts.push(m.index);
  return starts;
}

/**
 * Where each model node came from. Every node is recorded while reading, but
 * only the few that get a diagnostic are looked up: flat arrays while
 * recording (a Map entry and a span object per node were a large share of the
 * parse), searched for the first lookups, indexed once there are many.
 */
class SpanTable {
  private readonly nodes: object[] = [];
  private readonly offsets: number[] = [];
  private index: Map<object, number> | undefined;
  private lookups = 0;

  record(node: object, start: number, end: number): void {
    this.nodes.push(node);
    this.offsets.push(start, end);
  }

  get(node: object): Span | undefined {
    if (!this.index && ++this.lookups > SpanTable.SEARCHES) this.index = new Map(this.nodes.map((n, i) => [n, i]));
    const i = this.index ? (this.index.get(node) ?? -1) : this.nodes.lastIndexOf(node);
    return i < 0 ? undefined : { start: this.offsets[2 * i]!, end: this.offsets[2 * i + 1]! };
  }

  private static readonly SEARCHES = 16;
}

interface Chunk {
  entries: Entry[];
  /** With its offsets already made absolute. */
  error?: GrammarSyntaxError;
}

/** Parses text[from, to); offsets the grammar reports are made absolute. */
function readChunk(text: string, from: number, to: number, spans: SpanTable): Chunk {
  try {
    const entries = parse(from === 0 && to === text.length ? text : text.slice(from, to), {
      track: (node: object, start: number, end: number) => spans.record(node, from + start, from + end),
    });
    return { entries };
  } catch (err) {
    if (err instanceof RangeError) {
      // Recursion ran out of stack: thousands of nested groups or `not`s.
      const where = { line: 1, column: 1, offset: from };
      const message = `conditions are nested too deeply to read (at most ${MAX_CONDITION_DEPTH} levels are allowed)`;
      return { entries: [], error: new GrammarSyntaxError(message, null as unknown as Expectation[], null, { source: undefined as unknown as string, start: where, end: where }) };
    }
    if (!(err instanceof GrammarSyntaxError)) throw err;
    const { start, end } = err.location;
    return {
      entries: [],
      error: new GrammarSyntaxError(err.message, err.expected, err.found ?? null, {
        ...err.location,
        start: { ...start, offset: from + start.offset },
        end: { ...end, offset: from + end.offset },
      }),
    };
  }
}

function syntaxDiagnostic(text: string, err: GrammarSyntaxError, positions: LineIndex): Diagnostic {
  const at = err.location.start.offset;
  const found = foundToken(text, at);
  const message = err.expected ? expectedMessage(err.expected, describeFound(found, at >= text.length)) : err.message;
  // Underline the offending token, not just its first character.
  const end = err.expected && found ? at + found.length : err.location.end.offset;
  const diagnostic: Diagnostic = { code: 'syntax', severity: 'error', message, ...positions.span({ start: at, end }) };
  if (err.expected?.some((e) => e.type === 'literal' && e.text === '}') && BLOCK_AT.test(text.slice(at, at + 20))) {
    diagnostic.notes = ['the block before this line is missing its closing "}"'];
  }
  return diagnostic;
}

/** Offsets -> 1-based line:column (UTF-16 units), by binary search over line starts. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.starts[lo] as number) + 1 };
  }

  span(span: Span): { start: Position; end: Position } {
    return { start: this.position(span.start), end: this.position(span.end) };
  }
}

// ---- readable syntax errors ----------------------------------------------

/** Turns Peggy's expectation set into "expected A, B or C, but found X". */
function expectedMessage(expected: readonly Expectation[], found: string): string {
  const named = new Set<string>();
  const literals = new Set<string>();
  for (const e of expected) {
    if (e.type === 'other') named.add(e.description);
    else if (e.type === 'literal') literals.add(JSON.stringify(e.text));
    else if (e.type === 'end') literals.add('the end of the file');
    else if (e.type === 'any') literals.add('more text');
    else literals.add(`a character in [${e.inverted ? '^' : ''}${e.parts.map((p) => (typeof p === 'string' ? p : p.join('-'))).join('')}]`);
  }
  const all = [...[...named].sort(), ...[...literals].sort()].map(withArticle);
  const list = all.length <= 1 ? (all[0] ?? 'something else') : `${all.slice(0, -1).join(', ')} or ${all[all.length - 1]}`;
  return `expected ${list}, but found ${found}`;
}

function withArticle(description: string): string {
  if (/^["[]|^the |^more |^a /.test(description)) return description;
  return /^[aeiou]/i.test(description) ? `an ${description}` : `a ${description}`;
}

/** The word, string or character at the error; '' at a line or file end. */
function foundToken(text: string, offset: number): string {
  return /^(?:"[^"\r\n]*"?|[A-Za-z0-9_-]+|[^\s])/u.exec(text.slice(offset, offset + 200))?.[0] ?? '';
}

function describeFound(token: string, atEnd: boolean): string {
  if (token === '') return atEnd ? 'the end of the file' : 'the end of the line';
  return `\`${token.length > 40 ? `${token.slice(0, 40)}...` : token}\``;
}

// ---- entries -> RuleSet -----------------------------------------------------

function assemble(
  text: string,
  entries: readonly Entry[],
  spans: SpanTable,
  diagnostics: Diagnostic[],
): { ruleSet: RuleSet; settingSpans: Map<string, Span> } {
  const settings: SpamSettings = { ...DEFAULT_SETTINGS };
  const settingSpans = new Map<string, Span>();
  const ruleSet: RuleSet = { settings, whitelist: [], blocklist: [], rules: [] };
  for (const entry of entries) {
    if (entry.type === 'whitelist') ruleSet.whitelist.push(...entry.entries);
    else if (entry.type === 'blocklist') ruleSet.blocklist.push(...entry.entries);
    else if (entry.type === 'item') ruleSet.rules.push(entry.item);
    else {
      for (const line of entry.lines) {
        const span = spans.get(line);
        if (settingSpans.has(line.key)) {
          diagnostics.push({
            code: 'duplicate_setting',
            severity: 'error',
            message: `setting ${SETTING_NAMES[line.key]} is given more than once`,
            ...(span ? new LineIndex(text).span(span) : {}),
          });
          continue;
        }
        if (span) settingSpans.set(line.key, span);
        if (line.key === 'threshold') settings.threshold = line.value;
        else if (line.key === 'spamFilter') settings.spamFilter = line.value;
        else settings[line.key] = line.value;
      }
    }
  }
  return { ruleSet, settingSpans };
}

const SETTING_NAMES: Record<SettingLine['key'], string> = {
  junkFolder: '"junk folder"',
  threshold: '"spam threshold"',
  spamFilter: '"spam filter"',
  trustedAuthservId: '"trusted authserv-id"',
};

function byPosition(a: Diagnostic, b: Diagnostic): number {
  if (!a.start || !b.start) return a.start ? -1 : b.start ? 1 : 0;
  return a.start.line - b.start.line || a.start.column - b.start.column;
}
