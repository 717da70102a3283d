// Login, sessions and published keys.
import { z } from 'zod';
import { epochMs, isoTime, text } from './primitives.js';
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
    github: z.boolean().describe('GitHub (GET /auth/github/start)'),
  }),
  'the ways to log in this coordinator takes',
);
export type Logins = z.infer<typeof LoginsSchema>;

export const JwkSchema = named('Jwk', z.looseObject({ kty: z.string(), kid: z.string().optional(), alg: z.string().optional(), use: z.string().optional() }));
export const JwksSchema = named('Jwks', z.object({ keys: z.array(JwkSchema) }));
