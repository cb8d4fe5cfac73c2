// The serving certificate the config names: the mounted files, or else a generated self-signed one.
import type { Logger } from 'pino';
import type { GuardConfig } from '../../config/types.js';
import { fileTlsSource } from './file-source.js';
import { selfSignedTlsSource } from './self-signed.js';
import type { TlsSource } from './source.js';

export async function tlsSourceFromConfig(config: GuardConfig, logger: Logger): Promise<TlsSource> {
  const { certFile, keyFile, caFile } = config.tls;
  if (certFile && keyFile) return fileTlsSource(certFile, keyFile, caFile, { logger });
  logger.warn(
    { serviceName: config.tls.serviceName, namespace: config.tls.namespace },
    'no tls.certFile/tls.keyFile configured; serving a generated self-signed certificate',
  );
  return selfSignedTlsSource({
    serviceName: config.tls.serviceName,
    namespace: config.tls.namespace,
    extraDnsNames: config.tls.extraDnsNames,
  });
}
