/**
 * `npm run bench:profile [file.cpuprofile]`: where the portal's time went in a profile taken by `npm run bench --
 * --profile` (the newest main thread's in bench/profiles by default): self time by function and by package or source folder, the
 * top rows of each, as the issue note quotes them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const directory = 'bench/profiles';
const file =
  process.argv[2] ??
  readdirSync(directory)
    // CPU.<date>.<time>.<pid>.<thread>.<n>: thread 0 is the main one (the others are module loaders).
    .filter((name) => /\.0\.\d+\.cpuprofile$/.test(name))
    .map((name) => join(directory, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
if (file === undefined) throw new Error(`aucun profil dans ${directory} : lancez npm run bench -- --profile`);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMs = new Map<number, number>();
for (const [n, id] of profile.samples.entries()) selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[n] ?? 0) / 1000);
const total = [...selfMs.values()].reduce((sum, ms) => sum + ms, 0);

/** node_modules/<package>, or the project's folder, or what V8 calls it ("(garbage collector)", "(idle)"). */
const placeOf = ({ url, functionName }: ProfileNode['callFrame']) => {
  if (url === '') return functionName.startsWith('(') ? functionName : '(natif)';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency?.[1] !== undefined) return dependency[1];
  if (url.startsWith('node:')) return url;
  const project = /\/(src|test|bench)\/(.+)\/[^/]+$/.exec(url);
  return project === null ? url : `${project[1]}/${project[2]}`;
};
const functionOf = ({ url, functionName, lineNumber }: ProfileNode['callFrame']) =>
  `${functionName || '(anonyme)'} ${url === '' ? '' : `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|test|bench)\//, '$1/')}:${lineNumber + 1}`}`;

const sum = (key: (frame: ProfileNode['callFrame']) => string) => {
  const totals = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const node = byId.get(id);
    if (node !== undefined) totals.set(key(node.callFrame), (totals.get(key(node.callFrame)) ?? 0) + ms);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
};
const table = (title: string, rows: Array<[string, number]>, count: number) => [
  `| ${title} | ms | part |`,
  '| --- | --- | --- |',
  ...rows.slice(0, count).map(([name, ms]) => `| ${name} | ${ms.toFixed(0)} | ${((100 * ms) / total).toFixed(1)} % |`),
];

console.log(`Profil ${file} : ${(total / 1000).toFixed(1)} s échantillonnées\n`);
console.log([...table('paquet ou dossier', sum(placeOf), 15), '', ...table('fonction (temps propre)', sum(functionOf), 25)].join('\n'));
