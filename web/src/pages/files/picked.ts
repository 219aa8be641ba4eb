// Files chosen for upload, from a file input (files, or a whole folder with
// `webkitdirectory`) or dropped (files and whole folders, walked with
// DataTransferItem.webkitGetAsEntry()). Paths are relative to the folder the
// upload goes to, "/"-separated, folders listed parents first.

export interface PickedFile {
  /** "a.txt" or "Photos/2024/a.jpg". */
  relPath: string;
  file: File;
}

export interface Picked {
  /** Folders to create first (MKCOL), parents before children: ["Photos", "Photos/2024"]. */
  folders: string[];
  files: PickedFile[];
}

function addAncestors(relPath: string, folders: string[], seen: Set<string>) {
  const parts = relPath.split('/');
  for (let i = 1; i < parts.length; i++) {
    const folder = parts.slice(0, i).join('/');
    if (!seen.has(folder)) {
      seen.add(folder);
      folders.push(folder);
    }
  }
}

/** From an `<input type=file>`: plain files, or a folder's files with their `webkitRelativePath`. */
export function fromFileList(list: Iterable<File>): Picked {
  const folders: string[] = [];
  const seen = new Set<string>();
  const files: PickedFile[] = [];
  for (const file of list) {
    const relPath = file.webkitRelativePath || file.name;
    addAncestors(relPath, folders, seen);
    files.push({ relPath, file });
  }
  return { folders, files };
}

/**
 * What was dropped, read synchronously (DataTransfer items are only readable
 * during the drop event): file system entries where the browser gives them,
 * else plain files.
 */
export function droppedItems(dt: DataTransfer): (FileSystemEntry | File)[] {
  const out: (FileSystemEntry | File)[] = [];
  const items = dt.items ? Array.from(dt.items) : [];
  if (items.length > 0 && typeof items[0].webkitGetAsEntry === 'function') {
    for (const item of items) {
      if (item.kind !== 'file') continue;
      const entry = item.webkitGetAsEntry();
      const file = entry ? null : item.getAsFile();
      if (entry) out.push(entry);
      else if (file) out.push(file);
    }
    return out;
  }
  return Array.from(dt.files ?? []);
}

function isDirectory(e: FileSystemEntry): e is FileSystemDirectoryEntry {
  return e.isDirectory;
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** All entries of a folder: readEntries() gives them in batches (100 in Chromium) until an empty one. */
async function readAll(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

/** Walks dropped entries: every folder (empty ones too) and every file below them. */
export async function walkDropped(items: (FileSystemEntry | File)[]): Promise<Picked> {
  const folders: string[] = [];
  const files: PickedFile[] = [];
  const visit = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    const relPath = prefix + entry.name;
    if (isDirectory(entry)) {
      folders.push(relPath);
      for (const child of await readAll(entry)) await visit(child, relPath + '/');
    } else {
      files.push({ relPath, file: await fileOf(entry as FileSystemFileEntry) });
    }
  };
  for (const item of items) {
    if (item instanceof Blob) files.push({ relPath: (item as File).name, file: item as File });
    else await visit(item, '');
  }
  return { folders, files };
}
