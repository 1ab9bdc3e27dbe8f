// Shapes of the HTTP API as the browser sees them: every one comes from the
// contract (server/routes/contract.ts), imported as a type only, so the two
// cannot drift and no server code reaches the bundle. Model types come from
// grammar/, shared by both.
import type { RecipeStatus } from '../../grammar/import/procmail-report.js';
import type { ImportReportEntry } from '../../grammar/import/sieve.js';
import type { DeployStatus, ServerScript, SessionResponse } from '../../server/routes/contract.js';

export type * from '../../server/routes/contract.js';

export type Session = SessionResponse;
export type DeployState = DeployStatus['state'];

/** One line of an import report, whichever importer produced it. */
export interface ImportReportLine {
  line: number;
  endLine?: number;
  status: RecipeStatus | ImportReportEntry['kind'];
  reason?: string;
  ruleName?: string;
}

/** The server found a script to offer. */
export type FoundServerScript = Extract<ServerScript, { found: true }>;
