// What the migration report says about each recipe, and the totals an
// admin reads first.

export type RecipeStatus = 'exact' | 'changed' | 'not-converted' | 'dropped-on-purpose';

export const RECIPE_STATUSES: readonly RecipeStatus[] = ['exact', 'changed', 'not-converted', 'dropped-on-purpose'];

export interface RecipeReport {
  line: number;
  status: RecipeStatus;
  /** Why the meaning changed or why nothing was converted; also what the rules do instead. */
  reason?: string;
  /** The converted rule's name, when a rule was produced. */
  ruleName?: string;
  /** Set for recipes that came from an INCLUDERC/SWITCHRC file. */
  file?: string;
}

export interface ProcmailReport {
  recipes: RecipeReport[];
  counts: Record<RecipeStatus, number>;
  /** Every recipe converted exactly or dropped on purpose. */
  fullyConverted: boolean;
  /** Differences that apply to every converted header test, stated once. */
  notes: string[];
}

export const HEADER_NOTES: readonly string[] = [
  'Sieve decodes RFC 2047 encoded words (=?utf-8?...?=) in header values before matching; procmail matched the raw text.',
  'Sieve ignores the blanks around a header value; procmail saw them (a pattern ending in $ no longer fails on trailing blanks).',
  'procmail joins a folded header line with an extra blank; Sieve unfolds it without one.',
];

export function buildReport(recipes: RecipeReport[], headerTests: boolean): ProcmailReport {
  const counts = Object.fromEntries(RECIPE_STATUSES.map((s) => [s, 0])) as Record<RecipeStatus, number>;
  for (const r of recipes) counts[r.status]++;
  return {
    recipes,
    counts,
    fullyConverted: counts.changed === 0 && counts['not-converted'] === 0,
    notes: headerTests ? [...HEADER_NOTES] : [],
  };
}

export interface MigrationSummary {
  files: number;
  filesFullyConverted: number;
  recipes: Record<RecipeStatus, number>;
}

export function summarize(reports: readonly ProcmailReport[]): MigrationSummary {
  const recipes = Object.fromEntries(RECIPE_STATUSES.map((s) => [s, 0])) as Record<RecipeStatus, number>;
  for (const r of reports) for (const s of RECIPE_STATUSES) recipes[s] += r.counts[s];
  return { files: reports.length, filesFullyConverted: reports.filter((r) => r.fullyConverted).length, recipes };
}
