/**
 * node dist/bench/support/profile-summary.js <file.cpuprofile> [top]
 * Where a V8 CPU profile (node --cpu-prof) spends its time: self time by component (package,
 * gateway source folder, Node internals, GC), the same with Node internals and native code charged
 * to the package or gateway code that called them, the share of busy samples that have each
 * component anywhere on the stack, and the top functions by self time. Idle time is left out.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The component a frame belongs to: an npm package, a gateway folder, or a Node/V8 bucket. */
export function componentOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/dist\/((?:src|bench)\/(?:services\/)?[^/]+)/.exec(url);
  if (own) return own[1]!.replace(/\.js$/, '');
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url;
}

/** npm packages and the gateway's own folders, as opposed to Node internals and V8 buckets. */
function isLibraryOrOwn(component: string): boolean {
  return !component.startsWith('(') && !component.startsWith('node:') && !component.includes('://');
}

function summarize(path: string, top: number): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const functions = new Map<string, number>();
  const charged = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id)!;
    const delta = profile.timeDeltas[index] ?? 0;
    if (node.callFrame.functionName === '(idle)') return;
    busy += delta;
    const { functionName, url, lineNumber } = node.callFrame;
    const component = componentOf(url, functionName);
    self.set(component, (self.get(component) ?? 0) + delta);
    const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist)\//, '')}:${lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + delta);
    const onStack = new Set<string>();
    let payer: string | null = null;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      const c = componentOf(frame.url, frame.functionName);
      onStack.add(c);
      if (payer === null && isLibraryOrOwn(c)) payer = c;
    }
    for (const c of onStack) inclusive.set(c, (inclusive.get(c) ?? 0) + delta);
    const charge = payer ?? `${component} (no package on the stack)`;
    charged.set(charge, (charged.get(charge) ?? 0) + delta);
  });

  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  const list = (title: string, map: Map<string, number>) => {
    console.log(`\n${title}`);
    for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`  ${pct(us)}  ${name}`);
  };
  console.log(`${path}: ${(busy / 1e6).toFixed(2)} s busy`);
  list('self time by component', self);
  list('self time charged to the nearest package or gateway frame on the stack', charged);
  list('on the stack (inclusive) by component', inclusive);
  list('top functions by self time', functions);
}

const [file, top] = process.argv.slice(2);
if (!file) {
  console.error('usage: node dist/bench/support/profile-summary.js <file.cpuprofile> [top]');
  process.exit(2);
}
summarize(file, Number(top ?? 25));
