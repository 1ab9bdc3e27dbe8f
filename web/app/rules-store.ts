// The user's rules as loaded from the server, the draft on screen, and the
// deploy status: one place that loads, saves and polls, so every screen sees
// the same draft and the same status.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RuleSet } from '../../grammar/model.js';
import { ApiError, messageFor } from '../api/http.js';
import { deployNow, deployStatus, getFolders, getRules, saveRules, setDisabledDefaults } from '../api/rules.js';
import type { DeployStatus, RulesResponse } from '../api/types.js';
import { problemsByRule, type RuleProblem } from '../lib/problems.js';

export type SaveProblem = { message: string; details: string[]; conflict: boolean };

/** "Install again now", from the press to the deploy it queued: sending, then the deploy's own state. */
export type InstallRequest = 'sending' | 'queued' | 'failed' | null;

export class RulesStore implements ReactiveController {
  saved: RulesResponse | null = null;
  draft: RuleSet | null = null;
  dirty = false;
  loading = false;
  loadError = '';
  saving = false;
  saveProblem: SaveProblem | null = null;
  status: DeployStatus | null = null;
  installRequest: InstallRequest = null;
  folders: string[] = [];
  private savedJson = '';
  private problemsOf: { draft: RuleSet; problems: Map<number, RuleProblem[]> } | null = null;
  private pollTimer: number | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    window.clearTimeout(this.pollTimer);
  }

  async load(): Promise<void> {
    this.loading = true;
    this.loadError = '';
    this.host.requestUpdate();
    try {
      const [rules, folders] = await Promise.all([getRules(), getFolders().catch(() => ({ folders: [] as string[] }))]);
      this.accept(rules);
      this.folders = folders.folders;
      void this.refreshStatus();
    } catch (e) {
      this.loadError = (e as Error).message;
    } finally {
      this.loading = false;
      this.host.requestUpdate();
    }
  }

  /** Takes a version the server saved on its own (a restore) as the new saved state. */
  replaceSaved(rules: RulesResponse): void {
    this.accept(rules);
    this.host.requestUpdate();
    void this.refreshStatus();
  }

  private accept(rules: RulesResponse): void {
    this.saved = rules;
    this.draft = rules.ruleSet;
    this.savedJson = JSON.stringify(rules.ruleSet);
    this.dirty = false;
    this.saveProblem = null;
  }

  /** Folders to offer: the server's list plus folders the rules already use. */
  folderChoices(): string[] {
    const set = new Set(this.folders);
    if (this.draft) set.add(this.draft.settings.junkFolder);
    if (set.size === 0) set.add('INBOX');
    return [...set];
  }

  /** Problems per rule of the current draft, computed once per draft. */
  problems(): Map<number, RuleProblem[]> {
    if (!this.draft || !this.saved) return new Map();
    if (this.problemsOf?.draft !== this.draft) this.problemsOf = { draft: this.draft, problems: problemsByRule(this.draft, this.saved) };
    return this.problemsOf.problems;
  }

  edit(next: RuleSet): void {
    this.draft = next;
    this.dirty = JSON.stringify(next) !== this.savedJson;
    this.host.requestUpdate();
  }

  discard(): void {
    if (!this.saved) return;
    this.accept(this.saved);
    this.host.requestUpdate();
  }

  async save(overwrite = false): Promise<boolean> {
    if (!this.draft || !this.saved) return false;
    this.saving = true;
    this.host.requestUpdate();
    try {
      this.accept(await saveRules(this.draft, overwrite ? undefined : this.saved.version));
      void this.refreshStatus();
      return true;
    } catch (e) {
      this.saveProblem = describeSaveError(e);
      return false;
    } finally {
      this.saving = false;
      this.host.requestUpdate();
    }
  }

  async setDisabledDefaults(disabled: string[]): Promise<void> {
    if (!this.saved) return;
    this.saved = { ...this.saved, defaults: { ...this.saved.defaults, disabled } };
    this.host.requestUpdate();
    try {
      await setDisabledDefaults(disabled);
    } catch (e) {
      this.saveProblem = describeSaveError(e);
    }
    void this.refreshStatus();
  }

  async deployNow(): Promise<void> {
    this.installRequest = 'sending';
    this.host.requestUpdate();
    try {
      await deployNow();
      this.installRequest = 'queued';
    } catch (e) {
      this.installRequest = 'failed';
      this.saveProblem = describeSaveError(e);
    }
    await this.refreshStatus();
  }

  /** Reads the deploy status, and keeps reading while a deploy is pending. */
  async refreshStatus(): Promise<void> {
    window.clearTimeout(this.pollTimer);
    try {
      this.status = await deployStatus();
    } catch {
      // The badge keeps its last state; the next poll or save tries again.
    }
    this.host.requestUpdate();
    if (this.status?.state === 'pending') this.pollTimer = window.setTimeout(() => void this.refreshStatus(), 1000);
  }
}

export function describeSaveError(e: unknown): SaveProblem {
  if (!(e instanceof ApiError)) return { message: (e as Error).message, details: [], conflict: false };
  const f = e.failure;
  const plain = { message: f.message, details: [], conflict: false };
  switch (f.code) {
    case 'version_conflict':
      return { message: messageFor(f.code), details: [], conflict: true };
    case 'invalid_rules':
      return { ...plain, details: (f.details.diagnostics ?? []).map((d) => (d.start ? `Line ${d.start.line}: ${d.message}` : d.message)) };
    case 'policy_violation':
    case 'invalid_request':
    case 'rules_too_large':
    case 'too_deep':
    case 'rate_limited':
    case 'not_found':
    case 'unauthenticated':
    case 'forbidden':
    case 'csrf':
    case 'bad_credentials':
    case 'mail_server_unavailable':
    case 'apply_conflict':
    case 'internal':
    case 'network':
      return plain;
    default: {
      const unhandled: never = f;
      return unhandled;
    }
  }
}
