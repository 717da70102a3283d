// Prints the OpenAPI document (api/openapi.ts) as docs/openapi.json holds it; a test compares them.
//   npx tsx scripts/gen-openapi.ts > docs/openapi.json
import { openApiJson } from '../api/openapi.js';

process.stdout.write(openApiJson());
