import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { Command } from './command.ts';
import { UserError } from '../core/errors.ts';

const commandsDir = fileURLToPath(new URL('./commands/', import.meta.url));

/** Every sub-command is a module in cli/commands/; listing the folder keeps this file free of a registry. */
export async function loadCommands(): Promise<Command[]> {
  const files = (await readdir(commandsDir)).filter((f) => f.endsWith('.ts')).sort();
  const modules = await Promise.all(files.map((f) => import(pathToFileURL(join(commandsDir, f)).href)));
  return modules.map((m) => m.default as Command).sort((a, b) => a.name.localeCompare(b.name));
}

function help(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'ccmart — contact-center operations data mart',
    '',
    'usage: ccmart COMMAND [options]   (ccmart COMMAND --help for its options)',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const commands = await loadCommands();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help(commands));
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`ccmart: unknown command "${name}"\n\n${help(commands)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UserError) {
      console.error(`ccmart ${name}: ${err.message}`);
      return err.exitCode;
    }
    // the machine, not the program: too little memory or disk, a file that cannot be read or written
    const resource = err instanceof Error && /^(Out of Memory|IO) Error: /.exec(err.message);
    if (resource) {
      console.error(`ccmart ${name}: ${err.message.split('\n')[0]} (try a larger --memory-limit, or free memory or disk space)`);
      return 1;
    }
    console.error(`ccmart ${name}: unexpected error`);
    console.error(err);
    return 1;
  }
}
