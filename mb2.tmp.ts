import { HashSet64, hash64 } from './shared/import/unique.ts';
import { normaliseEmail, normaliseUsername } from './shared/stores/legacy-user.ts';
const n = 100000; const names = Array.from({ length: n }, (_, i) => `legacy.user${String(i).padStart(7, '0')}@example.com`);
const time = (name: string, f: () => void) => { const t = performance.now(); f(); console.log(name.padEnd(14), ((performance.now() - t) / n * 1000).toFixed(2), 'µs/op'); };
for (let k = 0; k < 2; k++) {
time('hash64', () => { for (const s of names) hash64(s); });
time('set add', () => { const h = new HashSet64(); for (const s of names) h.add(s); });
time('normUser', () => { for (const s of names) normaliseUsername(s); });
time('normEmail', () => { for (const s of names) normaliseEmail(s); });
}
