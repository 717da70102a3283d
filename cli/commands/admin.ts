// `ceremony admin status|ban|unban|drop|pause|resume|close --url URL [--identity ID] [--reason TEXT]`, authenticated by
// an admin session token from CEREMONY_TOKEN (or --token-file), or a dev login name with --dev-name.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ApiError, requestJson } from '../../client/http.js';

const actions = ['status', 'ban', 'unban', 'drop', 'pause', 'resume', 'close'] as const;
/** Phase changes of the whole ceremony: no identity, a reason required. */
const phaseActions: ReadonlySet<string> = new Set(['pause', 'resume', 'close']);
type Action = (typeof actions)[number];

const usage =
  'usage: ceremony admin status|ban|unban|drop|pause|resume|close --url URL [--identity ID] [--reason TEXT] [--token-file FILE | --dev-name NAME]\n  ban, unban and drop need --identity; pause, resume and close need --reason\n';

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { url: { type: 'string' }, identity: { type: 'string' }, reason: { type: 'string' }, 'token-file': { type: 'string' }, 'dev-name': { type: 'string' } },
    });
  } catch (err) {
    process.stderr.write(`ceremony admin: ${(err as Error).message}\n${usage}`);
    return 2;
  }
  const [action] = parsed.positionals;
  const { url, identity, reason } = parsed.values;
  if (
    url === undefined ||
    action === undefined ||
    !(actions as readonly string[]).includes(action) ||
    (action !== 'status' && !phaseActions.has(action) && identity === undefined) ||
    (phaseActions.has(action) && (reason === undefined || reason === ''))
  ) {
    process.stderr.write(usage);
    return 2;
  }
  try {
    let token = process.env['CEREMONY_TOKEN'];
    if (parsed.values['token-file'] !== undefined) token = (await readFile(parsed.values['token-file'], 'utf8')).trim();
    if (parsed.values['dev-name'] !== undefined) {
      token = (await requestJson<{ token: string }>(url, '/login', { json: { provider: 'dev', name: parsed.values['dev-name'] } })).token;
    }
    if (token === undefined) {
      process.stderr.write('ceremony admin: give an admin token in CEREMONY_TOKEN or --token-file\n');
      return 2;
    }
    const result =
      (action as Action) === 'status'
        ? await requestJson(url, '/admin/status', { token })
        : phaseActions.has(action)
          ? await requestJson(url, `/admin/${action}`, { token, json: { reason } })
          : await requestJson(url, `/admin/${action}`, { token, json: { identity, reason: reason ?? '' } });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ApiError) {
      process.stdout.write(`${JSON.stringify({ ok: false, code: err.code, message: err.message })}\n`);
      return 1;
    }
    process.stderr.write(`ceremony admin: ${(err as Error).message}\n`);
    return 2;
  }
}
