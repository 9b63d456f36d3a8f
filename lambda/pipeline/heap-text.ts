/**
 * UTF-8 bytes as an ordinary V8 heap string. Node 24 decodes more than about 1 MB (its EXTERN_APEX, 0xFBEE9 bytes)
 * into an external string, ASCII or not, whose bytes V8 frees only in a full (mark-compact) collection, never in a
 * young-generation one.
 * A batch's text is garbage as soon as it is parsed, yet each batch over 1 MB would stay in memory until the next full
 * collection: on the Sentry benchmark, with full collections 5 to 20 invocations apart, up to 39 MB of texts piled up
 * and peak RSS reached 132 MB. Decoded in pieces under the threshold and joined, the text lives in the heap, and the
 * young-generation collection after its parse frees it.
 */

/** Well under Node's threshold for an external string. */
const HEAP_TEXT_PIECE_BYTES = 512 * 1024;

/** The longest UTF-8 sequence: a piece at least this long always holds a whole sequence that starts it. */
const MAX_SEQUENCE_BYTES = 4;

/** The same text as `bytes.toString('utf8')` (invalid sequences included), never an external string. */
export function utf8HeapText(bytes: Buffer, pieceBytes: number = HEAP_TEXT_PIECE_BYTES): string {
  const piece = Math.max(pieceBytes, MAX_SEQUENCE_BYTES);
  if (bytes.length <= piece) return bytes.toString('utf8');
  let text = '';
  for (let start = 0; start < bytes.length; ) {
    const end = pieceEnd(bytes, Math.min(start + piece, bytes.length));
    text += bytes.toString('utf8', start, end);
    start = end;
  }
  return text;
}

/**
 * Where a piece ending at `end` may end without cutting a character: before the lead byte of a sequence the cut would
 * split, else at `end`. Cutting before a lead byte never changes the decoding, valid or not: the decoder reads a
 * sequence from its lead byte, and everything from there on is in the next piece.
 */
function pieceEnd(bytes: Buffer, end: number): number {
  if (end >= bytes.length) return bytes.length;
  // A piece is at least MAX_SEQUENCE_BYTES long, so these three bytes all lie after `start`.
  for (let at = end - 1; at > end - MAX_SEQUENCE_BYTES; at--) {
    const byte = bytes[at];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte (10xxxxxx): its lead is further back
    return byte >= 0xc0 && at + sequenceBytes(byte) > end ? at : end;
  }
  return end;
}

/** A lead byte's sequence length (11110xxx: 4, 1110xxxx: 3, 110xxxxx: 2); invalid leads read as the longest. */
function sequenceBytes(lead: number): number {
  return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
}
