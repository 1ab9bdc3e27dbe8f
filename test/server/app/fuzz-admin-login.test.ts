// Route fuzzing (test/support/fuzz-routes.ts): the admin routes and the login.
import { describeRouteFuzz } from '../../support/fuzz-routes.js';

describeRouteFuzz(['PUT /api/admin/defaults', 'PUT /api/admin/policy', 'POST /api/login']);
