/** One `ccmart` sub-command: a file in cli/commands/ whose default export is a Command. */
export interface Command {
  /** The word typed after `ccmart`. */
  name: string;
  /** One line for `ccmart --help`. */
  summary: string;
  /** Full usage text for `ccmart NAME --help`. */
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}
