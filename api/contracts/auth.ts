// Login, sessions and published keys.
import { z } from 'zod';
import { epochMs, isoTime, positive, text } from './primitives.js';
import { named } from './registry.js';

export const DevLoginSchema = named(
  'DevLogin',
  z.object({ provider: z.literal('dev'), name: z.string().max(64).describe('1-40 lowercase letters, digits, ".", "_" or "-"; the identity is dev|<name>') }).strict(),
  'development login; only when auth.dev.enabled',
);
export const SiweLoginSchema = named(
  'SiweLogin',
  z
    .object({
      provider: z.literal('siwe'),
      message: z.string().min(1).max(8192).describe('EIP-4361 message carrying the nonce from GET /auth/siwe/nonce'),
      signature: z.string().min(1).max(256).describe('personal_sign signature of the message'),
    })
    .strict(),
  'Sign-In with Ethereum',
);
export const LoginRequestSchema = named('LoginRequest', z.discriminatedUnion('provider', [DevLoginSchema, SiweLoginSchema]));
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export const LoginResponseSchema = named(
  'LoginResponse',
  z.object({
    token: text('session token (JWT); send as Authorization: Bearer <token>'),
    participantId: text('the identity, e.g. eth|0x…, git|<id>|@<handle>, dev|<name>'),
    expiresAt: epochMs('token expiry'),
  }),
);
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

export const GithubDeviceStartSchema = named(
  'GithubDeviceStart',
  z.object({
    deviceCode: text(
      "this login's handle: GitHub's device code, signed by the coordinator with its expiry; whoever holds it can finish the login once the person approves it, so send it to POST /auth/github/device/token and nowhere else",
    ),
    userCode: text('the code the person enters at verificationUri'),
    verificationUri: z.string().describe("where the person enters userCode (GitHub's device page)"),
    interval: positive('seconds to wait between polls of POST /auth/github/device/token'),
    expiresIn: positive('seconds until the codes expire'),
    expiresAt: epochMs('when the codes expire'),
  }),
  'a GitHub device login (RFC 8628) begun: show userCode and verificationUri to the person, then poll',
);
export type GithubDeviceStart = z.infer<typeof GithubDeviceStartSchema>;

export const GithubDeviceTokenRequestSchema = named(
  'GithubDeviceTokenRequest',
  z.object({ deviceCode: z.string().min(1).max(2048).describe('the deviceCode POST /auth/github/device answered') }).strict(),
);

export const GithubDeviceTokenAnswerSchema = named(
  'GithubDeviceTokenAnswer',
  z.discriminatedUnion('status', [
    z.object({ status: z.literal('pending').describe('the person has not approved the login yet: poll again after interval seconds'), interval: positive('seconds to wait before the next poll') }),
    z.object({ status: z.literal('slow_down').describe('polled too often: wait the new, longer interval from now on'), interval: positive('seconds to wait between polls from now on') }),
    z.object({
      status: z.literal('complete'),
      token: text('session token (JWT); send as Authorization: Bearer <token>'),
      participantId: text('the identity, git|<id>|@<handle>'),
      expiresAt: epochMs('token expiry'),
    }),
  ]),
  'one poll of a GitHub device login; an expired, unknown or denied login is LOGIN_REJECTED instead',
);
export type GithubDeviceTokenAnswer = z.infer<typeof GithubDeviceTokenAnswerSchema>;

export const GithubCallbackQuerySchema = z.object({ code: z.string().min(1).max(512), state: z.string().min(1).max(512) });

export const SiweChallengeSchema = named(
  'SiweChallenge',
  z.object({
    nonce: text('stateless signed nonce to put in the SIWE message'),
    domain: text('domain the message must name'),
    uri: z.string().describe('URI the message must carry'),
    chainId: z.number().int().min(0).describe('chain id the message must carry'),
    version: z.literal('1'),
    expirationTime: isoTime('the nonce expires at this instant'),
    expiresAt: epochMs('expirationTime'),
  }),
);

export const SessionSchema = named(
  'Session',
  z.object({
    participantId: text('equal to the identity'),
    identity: text('identity string'),
    provider: z.enum(['dev', 'siwe', 'github']).describe('login provider'),
    sessionId: text('id of this session'),
    admin: z.boolean(),
    expiresAt: epochMs('token expiry'),
  }),
);

export const LoginsSchema = named(
  'Logins',
  z.object({
    dev: z.boolean().describe('development login (POST /login provider dev)'),
    siwe: z.boolean().describe('Sign-In with Ethereum (GET /auth/siwe/nonce, POST /login provider siwe)'),
    github: z.boolean().describe('GitHub in a browser (GET /auth/github/start, handing back to auth.github.finishUrl, e.g. <publicUrl>/contribute)'),
  }),
  'the ways to log in this coordinator takes',
);
export type Logins = z.infer<typeof LoginsSchema>;

export const JwkSchema = named('Jwk', z.looseObject({ kty: z.string(), kid: z.string().optional(), alg: z.string().optional(), use: z.string().optional() }));
export const JwksSchema = named('Jwks', z.object({ keys: z.array(JwkSchema) }));
