// Route fuzzing (test/support/fuzz-routes.ts): the user's other rule routes and the replace consent.
import { describeRouteFuzz } from '../../support/fuzz-routes.js';

describeRouteFuzz(['POST /api/rules/preview', 'PUT /api/defaults/overrides', 'POST /api/import/server-script/replace']);
