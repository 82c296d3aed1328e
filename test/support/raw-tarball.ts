import { gzipSync } from "node:zlib";
import { Header } from "tar";

/** One entry written exactly as given: node-tar's Header encodes `..` and absolute paths untouched. */
export interface RawTarEntry {
  path: string;
  type: "File" | "Directory" | "SymbolicLink" | "Link" | "CharacterDevice" | "BlockDevice" | "FIFO";
  content?: string | Buffer;
  linkpath?: string;
  mode?: number;
}

/**
 * A gzipped tar built header by header, for archives no honest tool makes (hostile entries). A tar
 * stream is 512-byte headers, each followed by its content padded to 512, then two zero blocks.
 */
export function buildRawTarball(entries: RawTarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const content = entry.type === "File" ? Buffer.from(entry.content ?? "") : Buffer.alloc(0);
    const header = new Header({
      path: entry.path,
      type: entry.type,
      mode: entry.mode ?? (entry.type === "Directory" ? 0o755 : 0o644),
      size: content.length,
      mtime: new Date(1_700_000_000_000),
      uid: 0,
      gid: 0,
      ...(entry.linkpath === undefined ? {} : { linkpath: entry.linkpath }),
      ...(entry.type === "CharacterDevice" || entry.type === "BlockDevice" ? { devmaj: 1, devmin: 3 } : {}),
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block, content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
