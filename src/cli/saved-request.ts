import { CliError, ExitCode } from './errors.js';

/** An HTTP request read back from a capture: its headers and its body bytes, unchanged. */
export interface SavedRequest {
  /** Header names in lower case; repeated headers are joined with ", " as HTTP folds them. */
  headers: Record<string, string>;
  body: Buffer;
  /** The request target of the first line (`POST /hooks?x=1 HTTP/1.1`), when there is one. */
  target: string | undefined;
  /** Problems that do not stop verification but may explain a mismatch. */
  warnings: string[];
}

const REQUEST_LINE = /^([A-Z]+) (\S+) HTTP\/\d(?:\.\d)?$/;
const STATUS_LINE = /^HTTP\/\d(?:\.\d)? (\d{3})/;
const HEADER_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*$/;

function invalid(source: string, detail: string): CliError {
  return new CliError(ExitCode.usage, `Cannot read ${source}: ${detail}`);
}

/**
 * Finds the blank line that ends the header block, written as CRLF CRLF or LF LF (a capture
 * edited by hand). Returns the end of the headers and the start of the body.
 */
function findHeaderEnd(bytes: Buffer): { headerEnd: number; bodyStart: number } | undefined {
  const crlf = bytes.indexOf('\r\n\r\n');
  const lf = bytes.indexOf('\n\n');
  if (crlf === -1 && lf === -1) return undefined;
  if (lf === -1 || (crlf !== -1 && crlf < lf)) return { headerEnd: crlf, bodyStart: crlf + 4 };
  // "\r\n\n" also ends the block: the header text keeps its "\r", which the line split drops.
  return { headerEnd: lf, bodyStart: lf + 2 };
}

/**
 * Parses a header block: an optional request or status line, then `Name: value` lines.
 * Header bytes are read as Latin-1, as HTTP defines them, so no byte is lost or replaced.
 */
export function parseHeaderBlock(
  text: string,
  source: string,
): { headers: Record<string, string>; target: string | undefined } {
  const lines = text.split(/\r?\n/);
  const headers: Record<string, string> = {};
  let target: string | undefined;
  let last: string | undefined;
  lines.forEach((line, index) => {
    if (index === 0 && (REQUEST_LINE.test(line) || STATUS_LINE.test(line))) {
      target = REQUEST_LINE.exec(line)?.[2];
      return;
    }
    if (line === '') return;
    if (/^[ \t]/.test(line) && last !== undefined) {
      // An obsolete folded line continues the previous header's value.
      headers[last] = `${headers[last]} ${line.trim()}`;
      return;
    }
    const match = HEADER_LINE.exec(line);
    if (!match) throw invalid(source, `line ${index + 1} is not a "Name: value" header: "${line.slice(0, 60)}".`);
    const name = match[1]!.toLowerCase();
    headers[name] = headers[name] === undefined ? match[2]! : `${headers[name]}, ${match[2]}`;
    last = name;
  });
  return { headers, target };
}

/** Decodes a chunked body, the framing a raw capture contains when the sender gave no Content-Length. */
function decodeChunked(bytes: Buffer, source: string): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', offset);
    // A chunk is "<hex size>[;extensions]\r\n<data>\r\n"; size 0 ends the body.
    const sizeText = lineEnd === -1 ? '' : bytes.subarray(offset, lineEnd).toString('latin1').split(';')[0]!;
    const size = /^[0-9a-fA-F]+$/.test(sizeText.trim()) ? parseInt(sizeText, 16) : NaN;
    if (Number.isNaN(size) || lineEnd + 2 + size > bytes.length) {
      throw invalid(source, 'the chunked body is malformed or cut short.');
    }
    if (size === 0) return Buffer.concat(parts);
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}

/** Splits a capture into headers and body. Interim `HTTP/1.1 100 Continue` blocks are skipped. */
export function parseSavedRequest(bytes: Buffer, source: string): SavedRequest {
  let rest = bytes;
  for (;;) {
    const end = findHeaderEnd(rest);
    if (!end) throw invalid(source, 'no blank line separates the headers from the body.');
    const headerText = rest.subarray(0, end.headerEnd).toString('latin1');
    const interim = /^HTTP\/\d(?:\.\d)? 1\d\d/.test(headerText);
    rest = rest.subarray(end.bodyStart);
    if (interim) continue;
    const { headers, target } = parseHeaderBlock(headerText, source);
    return { headers, target, ...readBody(headers, rest, source) };
  }
}

/** Returns the body as sent: chunked framing removed, every other byte kept. */
export function readBody(
  headers: Record<string, string>,
  raw: Buffer,
  source: string,
): { body: Buffer; warnings: string[] } {
  const warnings: string[] = [];
  const chunked = /(^|,)\s*chunked\s*$/i.test(headers['transfer-encoding'] ?? '');
  const body = chunked ? decodeChunked(raw, source) : raw;
  const declared = headers['content-length'];
  if (!chunked && declared !== undefined && Number(declared) !== body.length) {
    warnings.push(
      `The body has ${body.length} bytes but Content-Length says ${declared}; all ${body.length} ` +
        'bytes are verified. An editor may have added or changed a line ending.',
    );
  }
  if (headers['content-encoding'] !== undefined && headers['content-encoding'] !== 'identity') {
    warnings.push(`The body is ${headers['content-encoding']}-encoded; it is verified as captured, without decoding.`);
  }
  return { body, warnings };
}
