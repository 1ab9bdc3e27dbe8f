// Route fuzzing (test/support/fuzz-routes.ts): saving rules, the costliest
// route (check, compile, store, queue a deploy), on its own.
import { describeRouteFuzz } from '../../support/fuzz-routes.js';

describeRouteFuzz(['PUT /api/rules']);
