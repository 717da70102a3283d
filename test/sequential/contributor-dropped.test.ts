// A contributor dropped by an administrator while it computes (the real CLI process against the real
// stack, with the specification's sizes so that the computation takes many times the client's poll
// interval): as soon as it reports that its contribution started, the admin drops it with a reason.
// The client notices at its next read of the participant record, stops the engine computation at
// once, prints the reason, and exits with the turned-away exit code; nothing is uploaded.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONTRIBUTOR_EXIT } from '../../client/turned-away.js';
import { interactiveCeremonyCli } from '../helpers/cli.js';
import { devParticipant } from '../helpers/sequential.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let adminToken: string;

beforeAll(async () => {
  // The default sizes are the specification's (4096 … 32768 G1 powers): tens of seconds of computing.
  stack = await startTestStack({ auth: { admins: ['dev|root'], rateLimits: { enabled: false } } });
  adminToken = (await devParticipant(stack.url, 'root')).token ?? '';
});

afterAll(async () => {
  await stack?.stop();
});

it('an admin drop while the client computes: it stops computing, prints the reason and exits 3', async () => {
  const cli = interactiveCeremonyCli(['contributor', '--url', stack.url, '--name', 'slowpoke']);
  await cli.waitForStderr(/started contribution 1;/, 120_000);
  const drop = await fetch(`${stack.url}/admin/drop`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ identity: 'dev|slowpoke', reason: 'blocking the queue' }),
  });
  expect(drop.status).toBe(200);
  const result = await cli.done;
  expect(result.code, result.stderr).toBe(CONTRIBUTOR_EXIT.turnedAway);
  // It stopped while computing: it never reported a finished computation, and never uploaded.
  expect(result.stderr).not.toMatch(/computed the contribution/);
  expect(result.stderr).toMatch(
    /turned away: the turn was taken from us and we stopped at once; an administrator removed you from the queue or from your turn \(reason: blocking the queue\) \[dropped\]/,
  );
  expect(JSON.parse(result.stdout)).toMatchObject({ accepted: false, turnedAway: true, reason: { code: 'dropped', detail: 'blocking the queue' } });
  const snapshot = await stack.gateway.snapshot(0);
  expect(snapshot.head?.sequence).toBe(0);
  expect(snapshot.stats).toMatchObject({ cancelled: 1, accepted: 0 });
}, 240_000);
