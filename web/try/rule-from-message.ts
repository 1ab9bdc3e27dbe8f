// "Create a rule from this message": a new rule whose conditions are the
// message's sender, list id and subject, all of them required, for the user
// to keep or drop in the rule editor before choosing what the rule does.
import type { Condition, Rule } from '../../grammar/model.js';

export interface MessageFacts {
  fromAddress: string;
  subject: string;
  listId: string | null;
}

export function ruleFromMessage(m: MessageFacts, name: string): Rule {
  const conditions: Condition[] = [];
  if (m.fromAddress) conditions.push({ kind: 'address', header: 'from', part: 'all', test: { match: 'is', values: [m.fromAddress] } });
  if (m.listId) conditions.push({ kind: 'list-id', test: { match: 'contains', values: [m.listId] } });
  if (m.subject) conditions.push({ kind: 'subject', test: { match: 'is', values: [m.subject] } });
  return { name, enabled: true, combine: 'all', conditions, actions: [] };
}
