// The headers of POST /contribution/start, which answers with the powers as its body: the routes set
// them, the clients read them, CORS exposes them, the OpenAPI document describes them. Kept free of
// other imports so the browser client can use it.
export const TURN_HEADERS = {
  turnId: 'X-Turn-Id',
  sequence: 'X-Sequence',
  computeDeadline: 'X-Compute-Deadline',
  transcriptSha256: 'X-Transcript-SHA256',
} as const;
