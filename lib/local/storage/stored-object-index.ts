/**
 * What the embedded S3 stores, in memory: key → ETag and size, kept by the store itself (every write,
 * copy and delete goes through it, ./embedded-s3.ts wraps them) and read by the triggers through the
 * same listing port the deployed functions use over S3 (lib/runtime/s3-list.ts). A burst of uploads
 * or of duplicate notifications is decided at memory speed instead of an HTTP listing per object.
 *
 * Each key is filed under every folder above it ("a/", "a/b/", …), so listing a folder — what the
 * triggers ask: a dataset's folder, an item's folder — reads only its own objects.
 */
import type { ListedS3Object } from '../../runtime/s3-list';

interface StoredObject {
  readonly etag: string;
  readonly size: number;
}

export class StoredObjectIndex {
  private readonly objects = new Map<string, StoredObject>();
  /** Folder ("" for the bucket) → the keys under it, at any depth. */
  private readonly folders = new Map<string, Set<string>>([['', new Set()]]);

  get size(): number {
    return this.objects.size;
  }

  put(key: string, object: StoredObject): void {
    if (!this.objects.has(key)) for (const folder of foldersAbove(key)) this.folderOf(folder).add(key);
    this.objects.set(key, object);
  }

  delete(key: string): void {
    if (!this.objects.delete(key)) return;
    for (const folder of foldersAbove(key)) {
      const keys = this.folders.get(folder);
      keys?.delete(key);
      if (folder !== '' && keys?.size === 0) this.folders.delete(folder);
    }
  }

  has(key: string): boolean {
    return this.objects.has(key);
  }

  /** Every object whose key starts with `prefix`, in key order, as a listing gives them. */
  list(prefix: string): ListedS3Object[] {
    const slash = prefix.lastIndexOf('/');
    const folder = prefix.slice(0, slash + 1);
    const keys = this.folders.get(folder);
    if (keys === undefined) return [];
    const listed: ListedS3Object[] = [];
    for (const key of keys) {
      const object = this.objects.get(key);
      if (object !== undefined && key.startsWith(prefix)) listed.push({ key, etag: object.etag, size: object.size });
    }
    // S3 lists by UTF-8 bytes; UTF-16 order differs from it only past U+FFFF against U+E000–U+FFFF.
    return listed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private folderOf(folder: string): Set<string> {
    let keys = this.folders.get(folder);
    if (keys === undefined) {
      keys = new Set();
      this.folders.set(folder, keys);
    }
    return keys;
  }
}

/** "", "a/", "a/b/" for "a/b/c". */
function foldersAbove(key: string): string[] {
  const folders = [''];
  for (let at = key.indexOf('/'); at !== -1; at = key.indexOf('/', at + 1)) folders.push(key.slice(0, at + 1));
  return folders;
}
