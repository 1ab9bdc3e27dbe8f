// Route fuzzing (test/support/fuzz-routes.ts): the importers' routes.
import { describeRouteFuzz } from '../../support/fuzz-routes.js';

describeRouteFuzz(['POST /api/import/sieve', 'POST /api/import/procmail']);
