// A small promise face on IndexedDB: open a database, run one request in one transaction.

export function openDatabase(name, version, upgrade) {
  if (typeof indexedDB === "undefined") return Promise.reject(new Error("no IndexedDB"));
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, version);
    req.onupgradeneeded = () => upgrade(req.result);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error("IndexedDB blocked by another tab"));
  });
}

/** run(db, "photos", "readwrite", (store) => store.put(blob, key)) → the request's result. */
export async function run(database, storeName, mode, action) {
  const db = await database;
  return new Promise((resolve, reject) => {
    const tx = db.transaction(storeName, mode);
    const req = action(tx.objectStore(storeName));
    tx.oncomplete = () => resolve(req && req.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}
