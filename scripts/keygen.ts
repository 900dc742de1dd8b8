/** `npm run keygen`: prints a well-formed key, e.g. for TENANTRY_ADMIN_KEY. Nothing is stored. */
import { generateKey } from '../src/auth/key-format';
import { loadConfig } from '../src/config';

const env = process.argv.includes('--test') ? 'test' : 'live';
console.log(generateKey(loadConfig().keyPrefix, env).key);
