// The check-in token's place in the contract: the answer's field that carries it and the request header
// that hands it back (api/sequential/checkin-token.ts makes and reads it). Kept free of other imports so
// the browser client can use it.
export const CHECKIN_TOKEN = {
  /** Request header of POST /lobby/checkin: the token of the last answer. */
  header: 'Checkin-Token',
  /** The longest token the API reads; a longer header is ignored. */
  maxLength: 2_048,
} as const;
