// Configuration of identity: session tokens, login providers, rate limits. Wired into common/config.ts.
import { z } from 'zod';

export const authConfigSchema = z.object({}).strict();

export type AuthConfig = z.infer<typeof authConfigSchema>;
