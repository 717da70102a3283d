// What every `ceremony` subcommand is built with (commander, with inferred option types). Each command
// module exports one factory that declares the command once: its options, their descriptions, the
// examples and the action. A program (bin/ceremony, or a contributor-only client) registers the
// factories it wants with buildProgram and runs them with runProgram.
//
// Exit codes: 0 done or valid, 1 invalid input (the command says how), 2 usage or I/O. A parse error
// (unknown flag, missing option or argument, bad choice) is a usage error: exit 2, the message on
// stderr with a pointer to --help.
//
// Keep this module light: the contributor-side commands import it, and must not load Temporal or Koa.
import { Command, CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/** Declares one command: a fresh commander Command, ready to be added to any program. */
export type CommandFactory = () => CommandUnknownOpts;

export interface ProgramInfo {
  /** The executable's name, e.g. 'ceremony'. */
  name: string;
  version: string;
  description: string;
}

let lastExitCode = EXIT_OK;

/** An action whose promise gives the command's exit code (commander's own actions return nothing). */
export function exitCode<A extends unknown[]>(body: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    lastExitCode = await body(...args);
  };
}

/** For an option given more than once: every value, in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The name the user ran the program by, e.g. 'ceremony' (the root of `command`'s tree). */
export function programName(command: CommandUnknownOpts): string {
  let root = command;
  while (root.parent !== null) root = root.parent;
  return root.name();
}

/**
 * The help's closing part: examples (each a command line without the program name, which is put in
 * front of it when the help is shown) and notes (exit codes, environment).
 */
export function helpFooter<C extends CommandUnknownOpts>(command: C, examples: string[], notes: string[] = []): C {
  command.addHelpText('after', (context) => {
    const bin = programName(context.command);
    const lines = ['', 'examples:', ...examples.map((e) => `  ${bin} ${e}`)];
    if (notes.length > 0) lines.push('', ...notes);
    return `${lines.join('\n')}\n`;
  });
  return command;
}

function commandPath(command: CommandUnknownOpts): string {
  const names: string[] = [];
  for (let c: CommandUnknownOpts | null = command; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Parse errors end in an exception (not process.exit) and are said as `<command path>: <message>`. */
function configure(command: CommandUnknownOpts): void {
  const path = commandPath(command);
  command.exitOverride();
  command.configureOutput({ outputError: (text, write) => write(`${path}: ${text.replace(/^error: /, '')}`) });
  command.showHelpAfterError(`run '${path} --help' for usage`);
  // Headings as this project's help has always had them: 'usage:', 'options:', 'commands:'.
  command.configureHelp({ styleTitle: (title) => title.toLowerCase() });
  for (const sub of command.commands) configure(sub);
}

/** A program holding the commands the factories declare, each with --help and --version. */
export function buildProgram(info: ProgramInfo, factories: readonly CommandFactory[]): Command {
  const program = new Command(info.name).description(info.description).version(info.version, '-V, --version', 'print the version').helpOption('-h, --help', 'show this help').enablePositionalOptions();
  for (const factory of factories) {
    const command = factory();
    command.version(info.version, '-V, --version', 'print the version');
    command.helpOption('-h, --help', 'show this help');
    program.addCommand(command);
  }
  program.addHelpText('after', `\nexamples:\n  ${info.name} <command> --help\n  ${info.name} --version\n`);
  configure(program);
  return program;
}

/** Parses `argv` (the arguments after the program's name), runs the action and gives its exit code. */
export async function runProgram(program: Command, argv: readonly string[]): Promise<number> {
  lastExitCode = EXIT_OK;
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    throw err;
  }
  return lastExitCode;
}
