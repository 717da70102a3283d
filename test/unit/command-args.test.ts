// The CLI's argument parser takes a string option's value as given, even one that begins with '-'
// (a receipt key fingerprint is base64url: about one in 32 does), and still refuses bad flags.
import { expect, it } from 'vitest';
import { UsageError, parseCommandArgs } from '../../engine/cli/command-support.js';

const options = { key: { type: 'string', multiple: true }, json: { type: 'boolean' } } as const;

it('takes a value beginning with a dash as the value of a string option', () => {
  const { values } = parseCommandArgs(['--key', '-3xQzs', '--json', '--key', 'plain', '--key=-again'], options);
  expect(values.key).toEqual(['-3xQzs', 'plain', '-again']);
  expect(values.json).toBe(true);
});

it('still refuses an unknown flag and a string option without a value', () => {
  expect(() => parseCommandArgs(['--nope'], options)).toThrow(UsageError);
  expect(() => parseCommandArgs(['--key'], options)).toThrow(UsageError);
});
