// `npm run bench`: every benchmark in turn, each in its own process so their memory peaks do not mix.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const benches = ['staffing', 'forecast', 'schedule', 'ingest', 'build', 'api', 'soak'];
const failed: string[] = [];
for (const name of benches) {
  console.log(`\n=== bench:${name} ===`);
  const r = spawnSync('node', ['bin/run-ts.js', `bench/${name}.ts`], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed.push(name);
}
console.log(failed.length ? `\nbenchmarks that failed: ${failed.join(', ')}` : '\nall benchmarks ran');
process.exitCode = failed.length ? 1 : 0;
