/** A throwaway self-signed certificate for the local Log Analytics service (SAN 127.0.0.1 + localhost). */
import { generate } from 'selfsigned';

export interface TestCert {
  key: string;
  cert: string;
}

let cached: Promise<TestCert> | undefined;

export function testCertificate(): Promise<TestCert> {
  cached ??= generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    notAfterDate: new Date(Date.now() + 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  }).then((r) => ({ key: r.private, cert: r.cert }));
  return cached;
}
