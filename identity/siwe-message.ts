/**
 * The EIP-4361 (Sign-In with Ethereum) message: fields <-> canonical text.
 *
 *   [scheme://]domain wants you to sign in with your Ethereum account:
 *   <EIP-55 address>
 *   <empty line>
 *   [statement, then an empty line]
 *   <empty line>
 *   URI: …  Version: 1  Chain ID: …  Nonce: …  Issued At: …
 *   [Expiration Time: …] [Not Before: …] [Request ID: …] [Resources: then "- <uri>" lines]
 *
 * Lines end with LF only and the text has no trailing LF. Parsing is strict: it accepts
 * exactly the texts that buildSiweMessage produces, so parse(text) rebuilt is text again.
 */
import { isHexAddress, isChecksumAddress, isValidAddress, toChecksumAddress } from '../engine/identity/eip55.js';
import { SiweError } from './siwe-errors.js';

export interface SiweMessageFields {
  /** RFC 3986 scheme of the requesting origin; optional, HTTPS is implied when absent. */
  readonly scheme?: string;
  /** RFC 3986 authority (host[:port]) requesting the sign-in. */
  readonly domain: string;
  /** The signing account, EIP-55 checksummed. */
  readonly address: string;
  /** One line of human-readable ASCII; no LF. */
  readonly statement?: string;
  readonly uri: string;
  readonly version: '1';
  readonly chainId: number;
  /** At least 8 ASCII letters or digits. */
  readonly nonce: string;
  /** RFC 3339 date-times, kept as written. */
  readonly issuedAt: string;
  readonly expirationTime?: string;
  readonly notBefore?: string;
  readonly requestId?: string;
  readonly resources?: readonly string[];
}

const HEADER_SUFFIX = ' wants you to sign in with your Ethereum account:';

const UNRESERVED = 'A-Za-z0-9\\-._~';
const SUB_DELIMS = "!$&'()*+,;=";
const PCT = '%[0-9A-Fa-f]{2}';

const SCHEME = /^[A-Za-z][A-Za-z0-9+\-.]*$/;
const USERINFO = `(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT})*`;
const REG_NAME = `(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT})+`;
const IP_LITERAL = `\\[(?:[0-9A-Fa-f:.]+|[vV][0-9A-Fa-f]+\\.[${UNRESERVED}${SUB_DELIMS}:]+)\\]`;
const AUTHORITY = new RegExp(`^(?:${USERINFO}@)?(?:${IP_LITERAL}|${REG_NAME})(?::\\d*)?$`);
/** Character-level RFC 3986 URI check: a scheme, then unreserved/reserved/percent-encoded characters. */
const URI = new RegExp(`^[A-Za-z][A-Za-z0-9+\\-.]*:(?:[${UNRESERVED}${SUB_DELIMS}:/?#\\[\\]@]|${PCT})*$`);
const STATEMENT = new RegExp(`^[${UNRESERVED}${SUB_DELIMS}:/?#\\[\\]@ ]+$`);
const REQUEST_ID = new RegExp(`^(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT})*$`);
const NONCE = /^[A-Za-z0-9]{8,}$/;
const CHAIN_ID = /^(?:0|[1-9]\d*)$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function malformed(message: string): SiweError {
  return new SiweError('SIWE_MALFORMED', message);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Milliseconds since the epoch of an RFC 3339 date-time, or null when it is not one. */
export function parseRfc3339(text: string): number | null {
  const m = DATE_TIME.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (year === undefined || month === undefined || day === undefined || hour === undefined || minute === undefined || second === undefined) {
    return null;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 60) return null;
  let offsetMinutes = 0; // 'Z'
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const fraction = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000);
  // A leap second (:60) counts as the last millisecond of its minute.
  const seconds = Math.min(second, 59);
  const extra = second === 60 ? 999 : fraction;
  return Date.UTC(year, month - 1, day, hour, minute, seconds, extra) - offsetMinutes * 60_000;
}

function checkFields(fields: SiweMessageFields): void {
  if (fields.scheme !== undefined && !SCHEME.test(fields.scheme)) throw malformed('scheme is not an RFC 3986 scheme');
  if (!AUTHORITY.test(fields.domain)) throw malformed('domain is not an RFC 3986 authority');
  if (fields.statement !== undefined && !STATEMENT.test(fields.statement)) {
    throw malformed('statement must be one non-empty line of RFC 3986 reserved/unreserved characters or spaces');
  }
  if (!URI.test(fields.uri)) throw malformed('uri is not an RFC 3986 URI');
  if (fields.version !== '1') throw malformed('version must be "1"');
  if (!Number.isSafeInteger(fields.chainId) || fields.chainId < 0) throw malformed('chainId must be a non-negative integer');
  if (!NONCE.test(fields.nonce)) throw malformed('nonce must be at least 8 letters or digits');
  if (parseRfc3339(fields.issuedAt) === null) throw malformed('issuedAt is not an RFC 3339 date-time');
  if (fields.expirationTime !== undefined && parseRfc3339(fields.expirationTime) === null) {
    throw malformed('expirationTime is not an RFC 3339 date-time');
  }
  if (fields.notBefore !== undefined && parseRfc3339(fields.notBefore) === null) {
    throw malformed('notBefore is not an RFC 3339 date-time');
  }
  if (fields.requestId !== undefined && !REQUEST_ID.test(fields.requestId)) {
    throw malformed('requestId must be RFC 3986 pchar characters');
  }
  for (const resource of fields.resources ?? []) {
    if (!URI.test(resource)) throw malformed(`resource is not an RFC 3986 URI: ${JSON.stringify(resource)}`);
  }
}

/**
 * The canonical message text. The address may be given in any case (a mixed-case one must
 * carry a valid checksum); it is written EIP-55 checksummed. Throws SIWE_MALFORMED.
 */
export function buildSiweMessage(fields: SiweMessageFields): string {
  checkFields(fields);
  if (!isHexAddress(fields.address) || !isValidAddress(fields.address)) {
    throw malformed('address must be 0x + 40 hex digits with a valid EIP-55 checksum if mixed-case');
  }
  const origin = fields.scheme === undefined ? fields.domain : `${fields.scheme}://${fields.domain}`;
  const lines = [`${origin}${HEADER_SUFFIX}`, toChecksumAddress(fields.address), ''];
  if (fields.statement !== undefined) lines.push(fields.statement);
  lines.push('', `URI: ${fields.uri}`, `Version: ${fields.version}`, `Chain ID: ${fields.chainId}`, `Nonce: ${fields.nonce}`, `Issued At: ${fields.issuedAt}`);
  if (fields.expirationTime !== undefined) lines.push(`Expiration Time: ${fields.expirationTime}`);
  if (fields.notBefore !== undefined) lines.push(`Not Before: ${fields.notBefore}`);
  if (fields.requestId !== undefined) lines.push(`Request ID: ${fields.requestId}`);
  if (fields.resources !== undefined) {
    lines.push('Resources:', ...fields.resources.map((r) => `- ${r}`));
  }
  return lines.join('\n');
}

/** Reads the tagged lines one by one, in the fixed order the grammar imposes. */
class LineReader {
  private index: number;

  constructor(
    private readonly lines: readonly string[],
    start: number,
  ) {
    this.index = start;
  }

  get done(): boolean {
    return this.index >= this.lines.length;
  }

  required(tag: string): string {
    const value = this.optional(tag);
    if (value === undefined) throw malformed(`expected "${tag}" on line ${this.index + 1}`);
    return value;
  }

  optional(tag: string): string | undefined {
    const line = this.lines[this.index];
    if (line === undefined || !line.startsWith(tag)) return undefined;
    this.index += 1;
    return line.slice(tag.length);
  }

  rest(): string[] {
    const rest = this.lines.slice(this.index);
    this.index = this.lines.length;
    return rest;
  }
}

/** Parses a message text strictly into its fields; throws SiweError('SIWE_MALFORMED'). */
export function parseSiweMessage(text: string): SiweMessageFields {
  if (text.includes('\r')) throw malformed('lines must end with LF only');
  const lines = text.split('\n');
  const header = lines[0] ?? '';
  if (!header.endsWith(HEADER_SUFFIX)) throw malformed('missing the sign-in header line');
  const origin = header.slice(0, -HEADER_SUFFIX.length);
  const schemeEnd = origin.indexOf('://');
  const scheme = schemeEnd === -1 ? undefined : origin.slice(0, schemeEnd);
  const domain = schemeEnd === -1 ? origin : origin.slice(schemeEnd + 3);

  const address = lines[1] ?? '';
  if (!isChecksumAddress(address)) throw malformed('address must be EIP-55 checksummed');
  if (lines[2] !== '') throw malformed('expected an empty line after the address');

  let statement: string | undefined;
  let next = 3;
  if (lines[3] !== '') {
    statement = lines[3];
    if (lines[4] !== '') throw malformed('expected an empty line after the statement');
    next = 5;
  } else {
    next = 4;
  }

  const reader = new LineReader(lines, next);
  const uri = reader.required('URI: ');
  const version = reader.required('Version: ');
  const chainIdText = reader.required('Chain ID: ');
  const nonce = reader.required('Nonce: ');
  const issuedAt = reader.required('Issued At: ');
  const expirationTime = reader.optional('Expiration Time: ');
  const notBefore = reader.optional('Not Before: ');
  const requestId = reader.optional('Request ID: ');
  let resources: string[] | undefined;
  if (!reader.done) {
    const rest = reader.rest();
    if (rest[0] !== 'Resources:') throw malformed(`unexpected line ${JSON.stringify(rest[0])}`);
    resources = rest.slice(1).map((line) => {
      if (!line.startsWith('- ')) throw malformed(`resource lines must start with "- ": ${JSON.stringify(line)}`);
      return line.slice(2);
    });
  }

  if (version !== '1') throw malformed('version must be "1"');
  if (!CHAIN_ID.test(chainIdText) || !Number.isSafeInteger(Number(chainIdText))) {
    throw malformed('chain id must be a canonical decimal integer');
  }

  const fields: SiweMessageFields = {
    ...(scheme === undefined ? {} : { scheme }),
    domain,
    address,
    ...(statement === undefined ? {} : { statement }),
    uri,
    version,
    chainId: Number(chainIdText),
    nonce,
    issuedAt,
    ...(expirationTime === undefined ? {} : { expirationTime }),
    ...(notBefore === undefined ? {} : { notBefore }),
    ...(requestId === undefined ? {} : { requestId }),
    ...(resources === undefined ? {} : { resources }),
  };
  checkFields(fields);
  return fields;
}
