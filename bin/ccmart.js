#!/usr/bin/env node
// Entry point of the `ccmart` command: TypeScript sources run directly through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
