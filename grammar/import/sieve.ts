// Sieve script -> rule model, losing nothing. What the model can state
// becomes rules; everything else (unknown commands and tests, extensions the
// model lacks, comments, constructs whose meaning would change) is kept as a
// verbatim RawBlock at its position, with the capabilities it needs. The
// report says, with lines, what became which.
import type { Diagnostic } from '../diagnostics.js';
import type { SieveLimits } from '../limits.js';
import { emptyRuleSet, type RawBlock, type Rule, type RuleItem, type RuleSet } from '../model.js';
import { stringValues, type SieveComment, type SieveScript } from '../sieve-ast.js';
import { parseSieve } from './sieve-parse.js';
import { requiresFor, touchesFlags } from './sieve-requires.js';
import { convertUnit, type RuleContext } from './sieve-rules.js';
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

const RULE_MARKER = /^ ?rule:\[(.*)\]\s*$/;

export function importSieve(text: string, opts: { limits?: Partial<SieveLimits> } = {}): SieveImportResult {
  const parsed = parseSieve(text, opts.limits);
  if (!parsed.value) return { ruleSet: emptyRuleSet(), report: [], diagnostics: parsed.diagnostics };
  return new Importer(text, parsed.value).run();
}

/** A stretch of the script kept verbatim, before it is cut out of the text. */
interface RawPiece {
  start: number;
  end: number;
  name?: string;
  reason: string;
  commands: Unit['commands'];
}

class Importer {
  private readonly items: RuleItem[] = [];
  private readonly report: ImportReportEntry[] = [];
  private readonly requires: string[];
  private readonly ctx: RuleContext;
  private pending: RawPiece | null = null;
  /** Offset where each line starts, for reporting lines of verbatim blocks. */
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string, private readonly script: SieveScript) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    this.requires = script.commands
      .filter((c) => c.name.toLowerCase() === 'require')
      .flatMap((c) => stringValues(c.arguments[0]) ?? []);
    const lower = new Set(this.requires.map((r) => r.toLowerCase()));
    this.ctx = {
      actions: { flagsTouched: false },
      substitutes: lower.has('variables') || lower.has('encoded-character'),
    };
  }

  run(): SieveImportResult {
    const { units, trailing } = splitUnits(this.script);
    for (const unit of units) {
      if (unit.kind === 'require' && unit.inner.length === 0 && stringValues(unit.commands[0]!.arguments[0]) !== null) {
        this.comments(unit.leading);
        continue;
      }
      const { name, rest } = this.ruleName(unit.leading);
      const rules = convertUnit(unit, name ?? this.defaultName(unit), this.ctx);
      if (rules.ok) {
        this.comments(rest);
        this.flush();
        for (const rule of rules.value) this.addRule(rule, unit);
      } else {
        this.keepRaw({ start: rest[0]?.loc.start.offset ?? unit.start, end: unit.end, reason: rules.reason, commands: unit.commands, ...(name !== undefined ? { name } : {}) });
      }
      if (touchesFlags(unit.commands)) this.ctx.actions.flagsTouched = true;
    }
    this.comments(trailing);
    this.flush();
    const ruleSet = emptyRuleSet();
    ruleSet.rules = this.items;
    return { ruleSet, report: this.report, diagnostics: [] };
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
    if (this.pending && this.pending.name === undefined && piece.name === undefined) {
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
    const sieve = this.text.slice(piece.start, piece.end).replace(/\r?\n$/, '');
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
      endLine: this.lineOf(piece.start + sieve.length),
      reason: piece.reason,
    });
  }

  private addRule(rule: Rule, unit: Unit): void {
    this.items.push(rule);
    this.report.push({ kind: 'rule', name: rule.name, startLine: this.lineOf(unit.start), endLine: this.lineOf(unit.end) });
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
