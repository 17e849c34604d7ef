// How a source file's bytes become the text the detectors read, and back (`db-audit fix` writes
// a file in the encoding it was read in). UTF-8, with or without a BOM; and UTF-16 with its BOM,
// which Windows PowerShell's `>` and SQL Server's generated scripts write: read as bytes, such a
// file has a NUL in every other byte and would pass for a binary, its references lost.

export type SourceEncoding = 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be';

export interface DecodedSource {
  /** The content, without its BOM (editors show none, and ranges count from the first character after it). */
  text: string;
  encoding: SourceEncoding;
}

/** Bytes looked at for a NUL, which marks a binary. */
const SNIFF_BYTES = 8192;

/** The text of a source file's bytes; undefined for a binary (a NUL in its first 8 KiB, or in its text for UTF-16). */
export function decodeSource(buf: Buffer): DecodedSource | undefined {
  const b0 = buf[0];
  if (b0 === 0xff && buf[1] === 0xfe) return utf16(buf.toString('utf16le', 2), 'utf16le');
  if (b0 === 0xfe && buf[1] === 0xff) return utf16(new TextDecoder('utf-16be').decode(buf.subarray(2)), 'utf16be');
  if (buf.subarray(0, SNIFF_BYTES).includes(0)) return undefined;
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? { text: text.slice(1), encoding: 'utf8-bom' } : { text, encoding: 'utf8' };
}

function utf16(text: string, encoding: SourceEncoding): DecodedSource | undefined {
  // A binary that happens to start with a UTF-16 BOM still has NULs once decoded.
  return text.slice(0, SNIFF_BYTES / 2).includes('\0') ? undefined : { text, encoding };
}

/** `text` as the bytes of a file in `encoding`, its BOM written again. */
export function encodeSource(text: string, encoding: SourceEncoding): Buffer {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8-bom':
      return Buffer.from('\ufeff' + text, 'utf8');
    case 'utf16le':
      return Buffer.from('\ufeff' + text, 'utf16le');
    case 'utf16be':
      return Buffer.from('\ufeff' + text, 'utf16le').swap16();
  }
}
