import { timingSafeEqual, createHash } from 'node:crypto';

/** The metadata that carries the credential services share, on calls between them. */
export const SERVICE_CREDENTIAL_METADATA = 'gamepulse-service-credential';

/**
 * The secret the processes of one deployment share to call each other's internal RPCs (GAMEPULSE_SERVICE_CREDENTIAL;
 * `npm start` makes a new one each start). Compared in constant time, as digests so that lengths do not leak either.
 */
export class ServiceCredential {
  private readonly digest: Buffer;

  constructor(readonly secret: string) {
    if (secret.length < 16) throw new Error('GAMEPULSE_SERVICE_CREDENTIAL must be at least 16 characters');
    this.digest = sha256(secret);
  }

  matches(presented: string | undefined): boolean {
    return presented !== undefined && timingSafeEqual(sha256(presented), this.digest);
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
