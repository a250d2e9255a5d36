// Runs and measured curves kept across reloads in IndexedDB (plain API, one database, two stores:
// runs by id, measured curves by spec key). Every call degrades to nothing where storage is
// unavailable (private windows, tests without IndexedDB): the page then keeps them for the visit only.
import type { MeasuredCurves } from './curves-slice';
import type { RunRecord } from './runs-slice';

const DB = 'strata';
const VERSION = 1;
const RUNS = 'runs';
const CURVES = 'curves';

let opened: Promise<IDBDatabase | null> | undefined;

function open(): Promise<IDBDatabase | null> {
  opened ??= new Promise((resolve) => {
    if (typeof indexedDB === 'undefined') return resolve(null);
    const req = indexedDB.open(DB, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(RUNS)) db.createObjectStore(RUNS, { keyPath: 'id' });
      if (!db.objectStoreNames.contains(CURVES)) db.createObjectStore(CURVES, { keyPath: 'key' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(null);
    req.onblocked = () => resolve(null);
  });
  return opened;
}

const done = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });

async function all<T>(store: string): Promise<T[]> {
  const db = await open();
  if (!db) return [];
  return new Promise((resolve) => {
    const req = db.transaction(store, 'readonly').objectStore(store).getAll();
    req.onsuccess = () => resolve(req.result as T[]);
    req.onerror = () => resolve([]);
  });
}

async function write(store: string, fn: (s: IDBObjectStore) => void): Promise<void> {
  const db = await open();
  if (!db) return;
  const tx = db.transaction(store, 'readwrite');
  fn(tx.objectStore(store));
  await done(tx).catch((err: unknown) => console.warn(`Could not save to IndexedDB: ${String(err)}`));
}

export interface Saved {
  runs: RunRecord[];
  curves: MeasuredCurves[];
}

export async function loadSaved(): Promise<Saved> {
  const [runs, curves] = await Promise.all([all<RunRecord>(RUNS), all<MeasuredCurves>(CURVES)]);
  runs.sort((a, b) => a.date.localeCompare(b.date));
  return { runs, curves };
}

export const saveRun = (run: RunRecord) => write(RUNS, (s) => s.put(run));
export const deleteSavedRun = (id: string) => write(RUNS, (s) => s.delete(id));
export const saveCurves = (c: MeasuredCurves) => write(CURVES, (s) => s.put(c));
