/**
 * Prints a JSON array with one fresh Ed25519 signing key (PKCS8 PEM) for QR_SIGNING_KEYS in cluster mode.
 * Later rotations of that file: `npm run rotate-key` with QR_SIGNING_KEYS pointing at it.
 *   npm run -s qr-keys > secrets/qr-signing-keys.json
 */
import { generatePrivateKeyPem } from '../server/qr/signing-keys';

process.stdout.write(`${JSON.stringify([generatePrivateKeyPem()], null, 2)}\n`);
