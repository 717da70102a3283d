// Entry point of `bin/ceremony`: dispatches to one module per subcommand.
// Each command module exports `run(argv): Promise<number>` returning the exit code.

type CommandModule = { run: (argv: string[]) => Promise<number> };

interface CommandEntry {
  summary: string;
  load: () => Promise<CommandModule>;
}

const commands: Record<string, CommandEntry> = {
  start: { summary: 'embedded stack: Temporal dev server, workers, API', load: () => import('./commands/start.js') },
  api: { summary: 'the API server alone, against an existing Temporal server', load: () => import('./commands/api.js') },
  worker: { summary: 'a worker for one task queue, against an existing Temporal server', load: () => import('./commands/worker.js') },
  'new-transcript': { summary: 'write an initial BatchTranscript', load: () => import('./commands/new-transcript.js') },
  contribute: { summary: 'contribute to a transcript or contribution file', load: () => import('./commands/contribute.js') },
  'verify-contribution': { summary: 'verify a contribution against a transcript', load: () => import('./commands/verify-contribution.js') },
  apply: { summary: 'append a verified contribution to a transcript', load: () => import('./commands/apply.js') },
  contributor: { summary: 'the reference contributor: log in, queue, contribute, verify the receipt', load: () => import('./commands/contributor.js') },
  beacon: { summary: 'finalise with a public random beacon (iterated SHA-256)', load: () => import('./commands/beacon.js') },
  verifier: { summary: 'an external verifier of a rounds ceremony', load: () => import('./commands/verifier.js') },
  'verify-receipt': { summary: 'verify a receipt offline against the published key', load: () => import('./commands/verify-receipt.js') },
  admin: { summary: 'status, ban, unban, drop (admin API)', load: () => import('./commands/admin.js') },
  'verify-transcript': { summary: 'verify a whole transcript', load: () => import('./commands/verify-transcript.js') },
  verify: { summary: 'verify a ceremony: the transcript, receipts against a pinned key, inclusion', load: () => import('./commands/verify.js') },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return `usage: ceremony <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = commands[name];
  if (entry === undefined) {
    process.stderr.write(`ceremony: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const mod = await entry.load();
  return mod.run(rest);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ceremony: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
