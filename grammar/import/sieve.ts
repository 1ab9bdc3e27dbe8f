// Sieve script -> rule model, losing nothing. What the model can state
// becomes rules; everything else (unknown commands and tests, extensions the
// model lacks, comments, constructs whose meaning would change) is kept as a
// verbatim RawBlock at its position, with the capabilities it needs. The
// report says, with lines, what became which.
//
// A script sievewright wrote (it starts with the emitter's header comment) is
// read by its `# rule:[NAME]` markers: the text between two markers is one
// rule or one raw block, so our own output imports back to the same script.
//
// An imported script behaves as before: the built-in spam filter is off
// unless the script is ours and has its step.
import { compileRuleSet } from '../compile.js';
import { warning, type Diagnostic } from '../diagnostics.js';
import { SCRIPT_HEADER } from '../emit/sieve.js';
import { BLOCKLIST_MARKER as BLOCKLIST, markerText, SPAM_FILTER_MARKER, WHITELIST_MARKER as WHITELIST } from '../emit/sieve/markers.js';
import { SPAM_STATUS_HEADER } from '../emit/sieve/spam-score.js';
import { DOLLAR_SETUP } from '../emit/sieve-strings.js';
import type { SieveLimits } from '../limits.js';
import { emptyRuleSet, FILTER_JUNK_KEYWORD, type RawBlock, type Rule, type RuleItem, type RuleSet } from '../model.js';
import { stringValues, type SieveCommand, type SieveComment, type SieveScript } from '../sieve-ast.js';
import { ok, refuse, type Outcome } from './sieve-args.js';
import { ownTest, readBlocklist, readSpamFilter, readWhitelist, type OwnShapes } from './sieve-own.js';
import { parseSieve } from './sieve-parse.js';
import { hasJunkKeyword, requiresFor, touchesFlags } from './sieve-requires.js';
import { convertUnit, literalCommands, type RuleContext } from './sieve-rules.js';
import { syntaxErrors } from './sieve-syntax-errors.js';
import { splitUnits, type Unit } from './sieve-units.js';

export interface ImportReportEntry {
  kind: 'rule' | 'raw';
  name?: string;
  startLine: number;
  endLine: number;
  reason?: string;
}

export interface SieveImportResult {
  ruleSet: RuleSet;
  report: ImportReportEntry[];
  diagnostics: Diagnostic[];
}

export const RULE_MARKER = /^ ?rule:\[(.*)\]\s*$/;
const WHITELIST_MARKER = markerText(WHITELIST);
const BLOCKLIST_MARKER = markerText(BLOCKLIST);
const SPAM_MARKER = markerText(SPAM_FILTER_MARKER);

export interface SieveImportOptions {
  limits?: Partial<SieveLimits>;
  /** The header spam-score tests read, as compiled (SieveOptions.spamHeader); default X-Spam-Status. */
  spamHeader?: string;
  /** The server's Sieve extensions (CompileOptions.capabilities); default Pigeonhole's. */
  capabilities?: readonly string[];
}

export function importSieve(text: string, opts: SieveImportOptions = {}): SieveImportResult {
  const parsed = parseSieve(text, opts.limits);
  if (!parsed.value) {
    const [first] = parsed.diagnostics;
    return { ruleSet: emptyRuleSet(), report: [], diagnostics: first ? syntaxErrors(text, first, opts.limits) : parsed.diagnostics };
  }
  return new Importer(text, parsed.value, opts.spamHeader ?? SPAM_STATUS_HEADER, opts.capabilities).run();
}

/** A stretch of the script kept verbatim, before it is cut out of the text. */
interface RawPiece {
  start: number;
  end: number;
  name?: string;
  reason: string;
  commands: Unit['commands'];
  /** The span is exactly the block's text (no line break to drop at the end). */
  exact?: boolean;
}

/** A top-level comment or unit, in source order. */
type Item = { comment: SieveComment } | { unit: Unit };

const startOf = (i: Item): number => ('unit' in i ? i.unit.start : i.comment.loc.start.offset);

class Importer {
  private readonly ruleSet = emptyRuleSet();
  private readonly items: RuleItem[] = this.ruleSet.rules;
  private readonly report: ImportReportEntry[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  /** Each imported rule's unit in the script. */
  private readonly sources = new Map<Rule, Unit>();
  private readonly requires: string[];
  private readonly ctx: RuleContext;
  private readonly own: OwnShapes;
  private pending: RawPiece | null = null;
  private readonly names = new Set<string>();
  /** Offset where each line starts, for reporting lines of verbatim blocks. */
  private readonly lineStarts: number[] = [0];

  constructor(
    private readonly text: string,
    private readonly script: SieveScript,
    spamHeader: string,
    private readonly capabilities?: readonly string[],
  ) {
    this.own = { spamHeader };
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    this.requires = script.commands
      .filter((c) => c.name.toLowerCase() === 'require')
      .flatMap((c) => stringValues(c.arguments[0]) ?? []);
    const lower = new Set(this.requires.map((r) => r.toLowerCase()));
    this.ctx = {
      actions: { flagsTouched: false, junkFolders: new Set() },
      strings: { variables: lower.has('variables'), encodedCharacter: lower.has('encoded-character'), dollarDefined: false },
      whitelistRemembered: false,
    };
  }

  run(): SieveImportResult {
    // The script decides what happens to spam: only our own spam filter step turns the built-in one on.
    this.ruleSet.settings.spamFilter = false;
    const { units, trailing } = splitUnits(this.script);
    const items: Item[] = [];
    for (const unit of units) items.push(...unit.leading.map((comment) => ({ comment })), { unit });
    items.push(...trailing.map((comment) => ({ comment })));
    const first = this.script.comments[0];
    if (first && `#${first.text}` === SCRIPT_HEADER && first.loc.start.offset === 0) this.runOwn(items.slice(1));
    else this.runForeign(units, trailing);
    this.flush();
    const [junk] = this.ctx.actions.junkFolders;
    if (junk !== undefined) this.ruleSet.settings.junkFolder = junk;
    this.noteJunkKeyword();
    if (this.own.authservId !== undefined) this.ruleSet.settings.trustedAuthservId = this.own.authservId;
    return { ruleSet: this.ruleSet, report: this.report, diagnostics: this.diagnostics };
  }

  private runForeign(units: Unit[], trailing: SieveComment[]): void {
    for (const unit of units) {
      if (this.isRequire(unit)) {
        // A verbatim block spans its pieces' text: the require between them must not join it.
        this.comments(unit.leading);
        this.flush();
        continue;
      }
      const { name, rest } = this.ruleName(unit.leading);
      this.convert(unit, name, rest[0]?.loc.start.offset ?? unit.start);
    }
    this.comments(trailing);
  }

  /**
   * Imports one unit as rules, or keeps it (from `rawStart`) verbatim.
   * `locked`: the unit sits before our blocklist and spam filter, where only
   * locked rules are emitted.
   */
  private convert(unit: Unit, name: string | undefined, rawStart: number, locked = false): void {
    const rules = this.rulesOf(unit, name);
    if (rules.ok) {
      this.comments(unit.leading.filter((c) => !RULE_MARKER.test(c.text) && c.loc.start.offset >= rawStart));
      this.addRules(rules.value.map((r) => (locked ? { ...r, locked } : r)), unit);
    } else {
      if (locked) this.movedAfterBuiltIns(unit.commands[0]!);
      this.keepRaw({ start: rawStart, end: unit.end, reason: rules.reason, commands: unit.commands, ...(name ? { name } : {}) });
    }
  }

  /** A verbatim block cannot stay before the blocklist and spam filter: the emitter writes it after them. */
  private movedAfterBuiltIns(first: SieveCommand): void {
    const { line, column } = first.loc.start;
    this.diagnostics.push(
      warning(
        'import_reordered',
        'this part stays raw and moves after the blocklist and spam filter, so a message they file or discard no longer reaches it; check the imported order',
        { line, column },
      ),
    );
  }

  private rulesOf(unit: Unit, name: string | undefined): Outcome<Rule[]> {
    const converted = convertUnit(unit, name || this.defaultName(unit), { ...this.ctx, special: ownTest(this.own) });
    if (touchesFlags(unit.commands)) this.ctx.actions.flagsTouched = true;
    return converted.ok ? this.compiles(converted.value) : converted;
  }

  /**
   * Rules the compiler would refuse (an address it cannot check, a keyword
   * with spaces, vacation :days 0, ...) stay verbatim: an import never
   * produces a rule set that no longer compiles.
   */
  private compiles(rules: Rule[]): Outcome<Rule[]> {
    const settings = { ...this.ruleSet.settings, ...(this.own.authservId !== undefined ? { trustedAuthservId: this.own.authservId } : {}) };
    const result = compileRuleSet({ settings, whitelist: [], blocklist: [], rules }, this.capabilities ? { capabilities: this.capabilities } : {});
    const problem = result.diagnostics.find((d) => d.severity === 'error');
    return problem ? refuse(`the compiler would refuse it: ${problem.message}`) : ok(rules);
  }

  /** sievewright's own layout: header, requires, whitelist, blocklist, spam filter, then marked rules. */
  private runOwn(items: Item[]): void {
    let i = 0;
    // Rules before the blocklist and spam filter are the locked ones the emitter puts first.
    let lockedSection = items.some((x) => 'comment' in x && (x.comment.text === BLOCKLIST_MARKER || x.comment.text === SPAM_MARKER));
    while (i < items.length) {
      const item = items[i]!;
      if ('unit' in item) {
        if (this.text.slice(item.unit.start, item.unit.end) === DOLLAR_SETUP) this.ctx.strings.dollarDefined = true;
        else if (!this.isRequire(item.unit)) this.convert(item.unit, undefined, item.unit.start, lockedSection);
        i++;
        continue;
      }
      const text = item.comment.text;
      const next = items[i + 1];
      if (text === WHITELIST_MARKER && next && 'unit' in next) {
        const entries = readWhitelist(next.unit.commands[0]!, this.own);
        if (entries && next.unit.commands.length === 1) {
          this.ruleSet.whitelist.push(...entries);
          this.ctx.whitelistRemembered = true;
          i += 2;
          continue;
        }
      }
      if (text === SPAM_MARKER && next && 'unit' in next && next.unit.commands.length === 1) {
        const literal = literalCommands(next.unit.commands, this.ctx.strings);
        const threshold = literal && readSpamFilter(literal[0]!, this.own, this.ctx.actions.junkFolders);
        if (typeof threshold === 'number') {
          lockedSection = false;
          delete this.ruleSet.settings.spamFilter;
          this.ruleSet.settings.threshold = threshold;
          if (touchesFlags(next.unit.commands)) this.ctx.actions.flagsTouched = true;
          i += 2;
          continue;
        }
      }
      if (text === BLOCKLIST_MARKER) {
        lockedSection = false;
        i++;
        for (let n = items[i]; n && 'unit' in n && n.unit.commands.length === 1; n = items[++i]) {
          const literal = literalCommands(n.unit.commands, this.ctx.strings);
          const entries = literal && readBlocklist(literal[0]!, this.ctx.actions.junkFolders);
          if (!entries) break;
          this.ruleSet.blocklist.push(...entries);
          if (touchesFlags(n.unit.commands)) this.ctx.actions.flagsTouched = true;
        }
        continue;
      }
      const marker = RULE_MARKER.exec(text);
      if (!marker) {
        this.comments([item.comment]);
        i++;
        continue;
      }
      let j = i + 1;
      while (j < items.length && !this.isMarker(items[j]!)) j++;
      // The emitter joins parts with a line break: the region ends just before the next marker's.
      const regionEnd = j < items.length ? startOf(items[j]!) - 1 : this.text.length - 1;
      this.region(item.comment, marker[1]!, items.slice(i + 1, j), lockedSection, Math.max(regionEnd, item.comment.loc.end.offset));
      i = j;
    }
  }

  /**
   * The emitter brackets filing into the Junk folder with the Junk keyword
   * (so learning tells the filter's deliveries from the user's moves): a
   * rule that filed there plainly gains it, which the report says.
   */
  private noteJunkKeyword(): void {
    const junk = this.ruleSet.settings.junkFolder;
    for (const [rule, unit] of this.sources) {
      if (!rule.actions.some((a) => a.kind === 'fileinto' && a.folder === junk) || hasJunkKeyword(unit.commands)) continue;
      const { line, column } = unit.commands[0]!.loc.start;
      this.diagnostics.push({
        code: 'import_junk_keyword',
        severity: 'info',
        message: `rule "${rule.name}" files into the Junk folder "${junk}": the imported rule also sets the keyword ${FILTER_JUNK_KEYWORD} on that copy, so spam learning can tell the filter's deliveries from the user's own moves`,
        start: { line, column },
      });
    }
  }

  private isMarker(item: Item): boolean {
    if (!('comment' in item) || item.comment.style !== 'hash') return false;
    const t = item.comment.text;
    return RULE_MARKER.test(t) || t === WHITELIST_MARKER || t === BLOCKLIST_MARKER || t === SPAM_MARKER;
  }

  /** The text after one `# rule:[NAME]` marker: a rule in the emitter's layout, or a raw block. */
  private region(marker: SieveComment, name: string, items: Item[], locked: boolean, regionEnd: number): void {
    const only = items.length === 1 ? items[0] : undefined;
    const rules = only && 'unit' in only && only.unit.kind === 'chain' && only.unit.commands.length === 1 && this.hasRuleLayout(only.unit)
      ? this.rulesOf(only.unit, name)
      : null;
    if (rules?.ok && only && 'unit' in only) {
      this.addRules(rules.value.map((r) => (locked ? { ...r, locked } : r)), only.unit);
      return;
    }
    const commands = items.flatMap((x) => ('unit' in x ? x.unit.commands : []));
    if (locked && commands[0]) this.movedAfterBuiltIns(commands[0]);
    if (rules === null && touchesFlags(commands)) this.ctx.actions.flagsTouched = true;
    this.flush();
    this.keepRaw({ start: marker.loc.end.offset, end: regionEnd, reason: rules?.ok === false ? rules.reason : 'raw block', commands, exact: true, ...(name !== '' ? { name } : {}) });
    this.flush();
  }

  /** `if TEST` then `{` and `}` each alone on a line, as the emitter writes rules. */
  private hasRuleLayout(unit: Unit): boolean {
    const cmd = unit.commands[0]!;
    const test = cmd.tests[0];
    if (!test) return false;
    const after = this.text.slice(test.loc.end.offset, unit.end);
    return /^( #[^\n]*)?(\n#[^\n]*)*\n\{\n/.test(after) && /\n\}$/.test(after);
  }

  private isRequire(unit: Unit): boolean {
    return unit.kind === 'require' && unit.inner.length === 0 && stringValues(unit.commands[0]!.arguments[0]) !== null;
  }

  /** The last `# rule:[NAME]` marker names the unit; other comments stay verbatim. */
  private ruleName(leading: SieveComment[]): { name?: string; rest: SieveComment[] } {
    let name: string | undefined;
    const rest: SieveComment[] = [];
    for (const c of leading) {
      const m = c.style === 'hash' ? RULE_MARKER.exec(c.text) : null;
      if (m) name = m[1];
      else rest.push(c);
    }
    return { ...(name !== undefined ? { name } : {}), rest };
  }

  private defaultName(unit: Unit): string {
    return `Rule at line ${this.lineOf(unit.start)}`;
  }

  private comments(list: SieveComment[]): void {
    for (const c of list) this.keepRaw({ start: c.loc.start.offset, end: c.loc.end.offset, reason: 'comment', commands: [] });
  }

  /** Unnamed verbatim pieces next to each other become one block. */
  private keepRaw(piece: RawPiece): void {
    if (this.pending && this.pending.name === undefined && piece.name === undefined && !piece.exact && !this.pending.exact) {
      this.pending = {
        start: this.pending.start,
        end: piece.end,
        reason: this.pending.reason === 'comment' ? piece.reason : this.pending.reason,
        commands: [...this.pending.commands, ...piece.commands],
      };
      return;
    }
    this.flush();
    this.pending = piece;
  }

  private flush(): void {
    const piece = this.pending;
    if (!piece) return;
    this.pending = null;
    // A hash comment's span includes its line break; the block's text does not.
    const text = this.text.slice(piece.start, piece.end);
    // The emitter drops one final line break of a raw block, so a block whose
    // text ends in one had two.
    const sieve = piece.exact ? (text.endsWith('\n') ? `${text}\n` : text) : text.replace(/\r?\n$/, '');
    const block: RawBlock = {
      kind: 'raw',
      ...(piece.name !== undefined ? { name: piece.name } : {}),
      sieve,
      requires: requiresFor(piece.commands, this.requires),
      enabled: true,
    };
    this.items.push(block);
    this.report.push({
      kind: 'raw',
      ...(piece.name !== undefined ? { name: piece.name } : {}),
      startLine: this.lineOf(piece.start),
      endLine: this.lineOf(Math.max(piece.start, piece.end - 1)),
      reason: piece.reason,
    });
  }

  private addRules(rules: Rule[], unit: Unit): void {
    this.flush();
    for (const rule of rules) {
      // Rule names are unique within a set; a script may repeat a marker.
      const base = rule.name;
      for (let n = 2; this.names.has(rule.name); n++) rule.name = `${base} (${n})`;
      this.names.add(rule.name);
      this.items.push(rule);
      this.sources.set(rule, unit);
      this.report.push({ kind: 'rule', name: rule.name, startLine: this.lineOf(unit.start), endLine: this.lineOf(unit.end) });
    }
  }

  private lineOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}
