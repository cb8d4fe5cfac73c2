// What `kubectl apply` prints for one object, given the webhooks' answers: `Warning:` lines, then
// `<resource>/<name> created`, or the API server's denial line.

export interface AppliedObject {
  kind: string;
  name: string;
  namespace?: string;
}

export interface WebhookAnswer {
  allowed: boolean;
  status?: { code?: number; message?: string };
  warnings: string[];
}

/** The webhook name the API server quotes (deploy/base/webhooks.yaml). */
export const VALIDATING_WEBHOOK_NAME = 'validate.eso-vault-guard.io';

const RESOURCE: Record<string, string> = {
  ExternalSecret: 'externalsecret.external-secrets.io',
  SecretStore: 'secretstore.external-secrets.io',
  ClusterSecretStore: 'clustersecretstore.external-secrets.io',
  PushSecret: 'pushsecret.external-secrets.io',
  ClusterExternalSecret: 'clusterexternalsecret.external-secrets.io',
  ClusterPushSecret: 'clusterpushsecret.external-secrets.io',
  Namespace: 'namespace',
};

/** kubectl's reason for an HTTP status in `Error from server (<reason>)`. */
function reasonOf(code: number | undefined): string {
  if (code === 403 || code === undefined) return 'Forbidden';
  if (code === 400) return 'BadRequest';
  return 'InternalError';
}

export function createdLine(obj: AppliedObject): string {
  return `${RESOURCE[obj.kind] ?? obj.kind.toLowerCase()}/${obj.name} created`;
}

export function kubectlLines(obj: AppliedObject, file: string, answer: WebhookAnswer): string[] {
  const warnings = answer.warnings.map((w) => `Warning: ${w}`);
  if (answer.allowed) return [...warnings, createdLine(obj)];
  return [
    ...warnings,
    `Error from server (${reasonOf(answer.status?.code)}): error when creating "${file}": admission webhook "${VALIDATING_WEBHOOK_NAME}" denied the request: ${answer.status?.message ?? ''}`,
  ];
}
