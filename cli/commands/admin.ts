// `ceremony admin status|ban|unban|drop|pause|resume|close --url URL [--identity ID] [--reason TEXT]`, authenticated by
// an admin session token from CEREMONY_TOKEN (or --token-file), or a dev login name with --dev-name.
import { readFile } from 'node:fs/promises';
import { Argument, Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { ApiError, requestJson } from '../../client/http.js';
import { exitCode, helpFooter } from '../kit.js';

const actions = ['status', 'ban', 'unban', 'drop', 'pause', 'resume', 'close'] as const;
type Action = (typeof actions)[number];
/** Phase changes of the whole ceremony: no identity, a reason required. */
const phaseActions: ReadonlySet<Action> = new Set(['pause', 'resume', 'close']);

function declare() {
  return new Command('admin')
    .summary('status, ban, unban, drop, pause, resume, close (admin API)')
    .description(
      'Calls the admin API as an admin identity, in either mode (/ceremony/info tells which). ban, unban and drop need --identity; pause, resume and ' +
        'close need --reason. The session token comes from CEREMONY_TOKEN, --token-file, or a dev login (--dev-name).',
    )
    .addArgument(new Argument('<action>', 'what to do').choices(actions))
    .requiredOption('--url <url>', 'the coordinator')
    .option('--identity <id>', 'the participant to ban, unban or drop, e.g. git|1234|@alice')
    .option('--reason <text>', 'why (recorded; required for pause, resume and close)')
    .option('--token-file <file>', 'a file holding an admin session token (instead of CEREMONY_TOKEN)')
    .option('--dev-name <name>', 'log in with the dev provider under this name (test stacks only)');
}

type AdminOptions = ReturnType<ReturnType<typeof declare>['opts']>;

export function adminCommand(): CommandUnknownOpts {
  return helpFooter(
    declare().action(exitCode((action, options) => run(action, options))),
    [
      'admin status --url http://127.0.0.1:8080',
      "admin ban --url http://127.0.0.1:8080 --identity 'git|1234|@mallory' --reason spam",
      "admin pause --url http://127.0.0.1:8080 --reason 'maintenance'",
    ],
    ['Prints the answer as JSON on stdout. Exit codes: 0 done, 1 refused by the coordinator, 2 usage or network.'],
  );
}

async function run(action: Action, options: AdminOptions): Promise<number> {
  const { url, identity, reason } = options;
  if (action !== 'status' && !phaseActions.has(action) && identity === undefined) {
    process.stderr.write(`ceremony admin: ban, unban and drop need --identity\nrun 'ceremony admin --help' for usage\n`);
    return 2;
  }
  if (phaseActions.has(action) && (reason === undefined || reason === '')) {
    process.stderr.write(`ceremony admin: pause, resume and close need --reason\nrun 'ceremony admin --help' for usage\n`);
    return 2;
  }
  try {
    let token = process.env['CEREMONY_TOKEN'];
    if (options.tokenFile !== undefined) token = (await readFile(options.tokenFile, 'utf8')).trim();
    if (options.devName !== undefined) {
      token = (await requestJson<{ token: string }>(url, '/login', { json: { provider: 'dev', name: options.devName } })).token;
    }
    if (token === undefined) {
      process.stderr.write('ceremony admin: give an admin token in CEREMONY_TOKEN or --token-file\n');
      return 2;
    }
    // Rounds mode keeps its admin routes under /admin/rounds (its status is the public /rounds/status).
    const { mode } = await requestJson<{ mode: 'sequential' | 'rounds' }>(url, '/ceremony/info');
    const route = mode === 'rounds' ? `/admin/rounds/${action}` : `/admin/${action}`;
    const result =
      action === 'status'
        ? await requestJson(url, mode === 'rounds' ? '/rounds/status' : '/admin/status', { token })
        : phaseActions.has(action)
          ? await requestJson(url, route, { token, json: { reason } })
          : await requestJson(url, route, { token, json: { identity, reason: reason ?? '' } });
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
