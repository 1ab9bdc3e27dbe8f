// "Apply to existing mail": selected rules run over the messages already in
// a folder. Only moves, copies and flags are carried out; a rule's discard,
// forward, reject or reply is left out (nothing is deleted or sent). The
// plan is journalled before the first change, then carried out in bounded
// batches, each operation marked started before the server is asked and
// done after; a restart looks at what a started operation did before doing
// it again, so no message is moved twice. The done operations are the undo
// list, kept UNDO_DAYS.
import type { RuleSet } from '../../grammar/model.js';
import { summarize } from '../mail/message-summary.js';
import type { FolderOps } from '../mail/folder-ops.js';
import { ApplyRepository, type Item, type ItemState, type NewItem, type Operation, type Run } from '../store/apply-repository.js';
import type { AppContext } from './context.js';
import { AppError } from './errors.js';
import { parseStored, verdictOf, type Verdict } from './mail-verdict.js';
import { recentMail, withFolderOps } from './recent-mail.js';
import { checkedDraft, DEFAULT_TRY_LIMIT, MAX_TRY_LIMIT } from './try-rules.js';
import type { RulesFromInput } from './rules-service.js';

/** Operations per round trip: bounded, so progress shows and a stop loses little. */
export const BATCH = 50;

export interface ApplyRequest {
  folder: string;
  /** Indexes into the draft's rules. */
  rules: number[];
  limit?: number;
}

/** Only the chosen rules: no lists, no spam step, which are not the user's choice here. */
export function selectedRules(rs: RuleSet, indexes: readonly number[]): RuleSet {
  const picked = indexes.map((i) => {
    const r = rs.rules[i];
    if (!r) throw new AppError(400, 'invalid_request', `there is no rule ${i}`, { issues: [{ path: '/rules', message: `no rule ${i}` }] });
    return r;
  });
  return { settings: { ...rs.settings, spamFilter: false }, whitelist: [], blocklist: [], rules: picked };
}

/** What carrying out a verdict does to a message already in `folder`: flags, copies, then at most one move. */
export function operationsFor(v: Verdict, folder: string): Array<{ op: Operation; target: string }> {
  const flags = v.effects.flatMap((e) => (e.startsWith('flag:') ? [{ op: 'flag' as const, target: e.slice('flag:'.length) }] : []));
  const elsewhere = v.folders.filter((f) => f !== folder);
  // Kept, or filed into its own folder too: it stays, and every other folder gets a copy.
  const stays = v.kept || v.folders.includes(folder);
  const copyTo = stays ? elsewhere : elsewhere.slice(1);
  const moveTo = stays ? [] : elsewhere.slice(0, 1);
  return [...flags, ...copyTo.map((target) => ({ op: 'copy' as const, target })), ...moveTo.map((target) => ({ op: 'move' as const, target }))];
}

export async function planApply(ctx: AppContext, username: string, own: RulesFromInput, req: ApplyRequest): Promise<NewItem[]> {
  const rs = selectedRules(checkedDraft(ctx, own), req.rules);
  const stored = await recentMail(ctx, username, [req.folder], Math.min(req.limit ?? DEFAULT_TRY_LIMIT, MAX_TRY_LIMIT));
  const items: NewItem[] = [];
  for (const m of stored) {
    // A flag the message already has is not set again, so undo never takes away one the user set.
    const ops = operationsFor(verdictOf(rs, parseStored(m)), req.folder).filter((o) => o.op !== 'flag' || !m.flags.includes(o.target));
    if (ops.length === 0) continue;
    const s = await summarize(m.raw);
    for (const o of ops) items.push({ ref: m.ref, messageId: s.messageId, subject: s.subject, sender: s.fromAddress, ...o });
  }
  return items;
}

interface Outcome {
  seq: number;
  state: ItemState;
  newRef?: string | null;
}

/** Carries out one batch: flags, then copies, then moves, so a message is copied before it leaves. */
async function carryOut(ops: FolderOps, folder: string, batch: readonly Item[]): Promise<Outcome[]> {
  const out: Outcome[] = [];
  const present = await ops.present(folder, [...new Set(batch.map((i) => i.ref))]);
  for (const op of ['flag', 'copy', 'move'] as const) {
    const byTarget = new Map<string, Item[]>();
    for (const it of batch.filter((i) => i.op === op)) {
      if (!present.has(it.ref)) out.push({ seq: it.seq, state: 'gone' });
      else byTarget.set(it.target, [...(byTarget.get(it.target) ?? []), it]);
    }
    for (const [target, items] of byTarget) {
      const refs = items.map((i) => i.ref);
      if (op === 'flag') {
        await ops.addFlag(folder, refs, target);
        for (const it of items) out.push({ seq: it.seq, state: 'done' });
        continue;
      }
      const map = op === 'copy' ? await ops.copy(folder, refs, target) : await ops.move(folder, refs, target);
      for (const it of items) out.push(map.has(it.ref) ? { seq: it.seq, state: 'done', newRef: map.get(it.ref) ?? null } : { seq: it.seq, state: 'gone' });
    }
  }
  return out;
}

/**
 * After a stop: what a started operation did. A move whose message is no
 * longer in the folder happened (its new place is looked up by Message-ID);
 * a copy found in the target happened; everything else is done again.
 */
async function settleStarted(ops: FolderOps, folder: string, started: readonly Item[]): Promise<Outcome[]> {
  const present = await ops.present(folder, started.map((i) => i.ref));
  const out: Outcome[] = [];
  for (const it of started) {
    const newRef = it.op !== 'flag' && it.messageId ? await ops.findByMessageId(it.target, it.messageId) : null;
    if (it.op === 'move' && !present.has(it.ref)) out.push({ seq: it.seq, state: 'done', newRef });
    else if (it.op === 'copy' && newRef !== null) out.push({ seq: it.seq, state: 'done', newRef });
    else out.push({ seq: it.seq, state: 'planned' });
  }
  return out;
}

async function undoItems(ops: FolderOps, folder: string, items: readonly Item[]): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const it of items) {
    if (it.op === 'flag') await ops.removeFlag(folder, [it.ref], it.target);
    else {
      const at = it.newRef ?? (it.messageId ? await ops.findByMessageId(it.target, it.messageId) : null);
      const there = at !== null && (await ops.present(it.target, [at])).has(at);
      if (there && it.op === 'move') await ops.move(it.target, [at], folder);
      if (there && it.op === 'copy') await ops.removeCopies(it.target, [at]);
    }
    out.push({ seq: it.seq, state: 'undone' });
  }
  return out;
}

/** Runs apply and undo jobs one at a time per run, and resumes those a stop interrupted. */
export class ApplyRunner {
  readonly repo: ApplyRepository;
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly ctx: AppContext) {
    this.repo = new ApplyRepository(ctx.db);
  }

  async start(username: string, own: RulesFromInput, req: ApplyRequest, expected: number): Promise<Run> {
    const busy = this.repo.list(username).find((r) => r.state === 'running' || r.state === 'undoing');
    if (busy) throw new AppError(409, 'apply_conflict', 'the previous run on your mail is still going', { runId: busy.id });
    const items = await planApply(this.ctx, username, own, req);
    if (items.length !== expected) {
      throw new AppError(409, 'apply_conflict', `the dry run counted ${expected} changes; there are now ${items.length}`, { expected, actual: items.length });
    }
    const names = req.rules.map((i) => {
      const r = own.ruleSet.rules[i];
      return r?.name ?? `rule ${i + 1}`;
    });
    const id = this.repo.create(username, req.folder, names, items);
    this.ctx.audit.append({ actor: username, action: 'mail.apply', target: username, details: { run: id, folder: req.folder, rules: names, operations: items.length } });
    this.launch(id, username, 'running');
    return this.repo.get(username, id) as Run;
  }

  undo(username: string, id: string): Run {
    const run = this.repo.get(username, id);
    if (!run) throw new AppError(404, 'not_found', 'there is no such run');
    if (run.state === 'running' || run.state === 'undoing') throw new AppError(409, 'apply_conflict', 'the run is still going', { runId: id });
    if (!this.repo.undoable(id)) throw new AppError(404, 'not_found', 'the run is past its undo period');
    this.repo.setState(id, 'undoing');
    this.ctx.audit.append({ actor: username, action: 'mail.apply-undo', target: username, details: { run: id, folder: run.folder } });
    this.launch(id, username, 'undoing');
    return this.repo.get(username, id) as Run;
  }

  /** Picks up the runs a stop interrupted. */
  resumeAll(): void {
    this.repo.prune();
    for (const r of this.repo.unfinished()) this.launch(r.id, r.username, r.state);
  }

  /** Resolves when the run's current job has ended (tests, shutdown). */
  async settled(id: string): Promise<void> {
    await this.running.get(id);
  }

  async idle(): Promise<void> {
    await Promise.all([...this.running.values()]);
  }

  private launch(id: string, username: string, state: Run['state']): void {
    if (this.running.has(id)) return;
    const job = (state === 'undoing' ? this.undoRun(id, username) : this.applyRun(id, username))
      .catch((err: unknown) => this.repo.setState(id, 'failed', (err as Error).message))
      .finally(() => this.running.delete(id));
    this.running.set(id, job);
  }

  private async applyRun(id: string, username: string): Promise<void> {
    const run = this.repo.get(username, id) as Run;
    await withFolderOps(this.ctx, username, async (ops) => {
      const started = this.repo.items(id, ['started']);
      if (started.length) this.repo.finish(id, await settleStarted(ops, run.folder, started));
      for (;;) {
        const batch = this.repo.items(id, ['planned'], BATCH);
        if (batch.length === 0) break;
        this.repo.markStarted(
          id,
          batch.map((i) => i.seq),
        );
        this.repo.finish(id, await carryOut(ops, run.folder, batch));
      }
    });
    this.repo.setState(id, 'done');
  }

  private async undoRun(id: string, username: string): Promise<void> {
    const run = this.repo.get(username, id) as Run;
    await withFolderOps(this.ctx, username, async (ops) => {
      // Newest first: a copy is taken back only after the move that followed it.
      const items = this.repo.items(id, ['done']).reverse();
      for (let i = 0; i < items.length; i += BATCH) this.repo.finish(id, await undoItems(ops, run.folder, items.slice(i, i + BATCH)));
    });
    this.repo.setState(id, 'undone');
  }
}
