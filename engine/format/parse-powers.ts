// Shared parsing of the `numG1Powers` / `numG2Powers` / `powersOfTau` triple.
import { InvalidInputError } from '../errors.js';
import type { InputLimits } from '../limits.js';
import { assertHex, G1_BYTES, G2_BYTES } from './hex.js';
import { expectArray, expectInteger, expectKeys, expectObject, type JsonObject } from './json-shape.js';
import { assertValidSize } from './sizes.js';
import type { PowersOfTau, SubCeremonySize } from './types.js';

export function parseSize(obj: JsonObject, path: string, limits: InputLimits, subCeremony: number): SubCeremonySize {
  const size = {
    numG1Powers: expectInteger(obj.numG1Powers, `${path}.numG1Powers`),
    numG2Powers: expectInteger(obj.numG2Powers, `${path}.numG2Powers`),
  };
  try {
    assertValidSize(size, limits, subCeremony);
  } catch (err) {
    if (err instanceof InvalidInputError) {
      throw new InvalidInputError(err.code, `${path}: ${err.message}`, { subCeremony, path });
    }
    throw err;
  }
  return size;
}

/** Parses `powersOfTau`, checking point hex and that the counts match `size` (WRONG_COUNT). */
export function parsePowers(value: unknown, path: string, size: SubCeremonySize, limits: InputLimits, subCeremony: number): PowersOfTau {
  const obj = expectObject(value, path);
  expectKeys(obj, path, ['G1Powers', 'G2Powers']);
  const g1 = expectArray(obj.G1Powers, `${path}.G1Powers`, limits.maxG1Powers);
  const g2 = expectArray(obj.G2Powers, `${path}.G2Powers`, limits.maxG2Powers);
  if (g1.length !== size.numG1Powers) {
    throw new InvalidInputError('WRONG_COUNT', `${path}.G1Powers: numG1Powers is ${size.numG1Powers} but ${g1.length} G1 powers are listed`, { subCeremony, path: `${path}.G1Powers` });
  }
  if (g2.length !== size.numG2Powers) {
    throw new InvalidInputError('WRONG_COUNT', `${path}.G2Powers: numG2Powers is ${size.numG2Powers} but ${g2.length} G2 powers are listed`, { subCeremony, path: `${path}.G2Powers` });
  }
  return {
    g1Powers: checkPointList(g1, `${path}.G1Powers`, G1_BYTES, subCeremony),
    g2Powers: checkPointList(g2, `${path}.G2Powers`, G2_BYTES, subCeremony),
  };
}

/** Checks every entry is a hex point of `width` bytes; BAD_HEX names the index. */
export function checkPointList(items: unknown[], path: string, width: number, subCeremony: number): string[] {
  for (let i = 0; i < items.length; i++) {
    try {
      assertHex(items[i], width, `${path}[${i}]`);
    } catch (err) {
      if (err instanceof InvalidInputError) {
        throw new InvalidInputError(err.code, err.message, { subCeremony, pointIndex: i, path: `${path}[${i}]` });
      }
      throw err;
    }
  }
  return items as string[];
}
