// A one-line, human-readable summary of what changed between two versions
// of a rule set, for the history list and the audit log. Pure.
import type { RuleItem, RuleSet } from './model.js';

function key(item: RuleItem, index: number): string {
  return item.name ?? `#${index + 1}`;
}

function countChange(label: string, before: number, after: number): string | undefined {
  if (before === after) return undefined;
  return `${label} ${after > before ? '+' : ''}${after - before}`;
}

export function summarizeChange(prev: RuleSet | undefined, next: RuleSet): string {
  if (!prev) return `created with ${next.rules.length} rule${next.rules.length === 1 ? '' : 's'}`;
  const before = new Map(prev.rules.map((r, i) => [key(r, i), JSON.stringify(r)]));
  const after = new Map(next.rules.map((r, i) => [key(r, i), JSON.stringify(r)]));
  const added = [...after.keys()].filter((k) => !before.has(k));
  const removed = [...before.keys()].filter((k) => !after.has(k));
  const changed = [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k));
  const reordered =
    !added.length && !removed.length && [...before.keys()].join('\n') !== [...after.keys()].join('\n');
  const parts = [
    added.length ? `added ${added.map((n) => `"${n}"`).join(', ')}` : undefined,
    removed.length ? `removed ${removed.map((n) => `"${n}"`).join(', ')}` : undefined,
    changed.length ? `changed ${changed.map((n) => `"${n}"`).join(', ')}` : undefined,
    reordered ? 'reordered rules' : undefined,
    countChange('whitelist', prev.whitelist.length, next.whitelist.length),
    countChange('blocklist', prev.blocklist.length, next.blocklist.length),
    JSON.stringify(prev.settings) !== JSON.stringify(next.settings) ? 'changed spam settings' : undefined,
  ].filter((p): p is string => p !== undefined);
  if (!parts.length && (JSON.stringify(prev.whitelist) !== JSON.stringify(next.whitelist) || JSON.stringify(prev.blocklist) !== JSON.stringify(next.blocklist))) {
    parts.push('edited sender lists');
  }
  return parts.join('; ') || 'no changes';
}
