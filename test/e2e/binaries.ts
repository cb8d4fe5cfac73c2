// The real components, from E2E_BIN_DIR (like envtest's KUBEBUILDER_ASSETS), and their versions
// as they report them (plus the Go module version compiled in, when `go` is at hand).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './processes.js';

export interface Binaries {
  dir: string;
  vault: string;
  vaultFlavour: 'bao' | 'vault';
  etcd: string;
  kubeApiserver: string;
  kubectl: string;
  externalSecrets: string;
  /** ESO CRD manifests (every *.yaml in the folder except kustomization.yaml). */
  esoCrds: string[];
}

export type FindResult = { ok: true; bins: Binaries } | { ok: false; missing: string[] };

function crdCandidates(binDir: string): string[] {
  return [
    process.env.E2E_ESO_CRDS ?? '',
    join(binDir, 'crds'),
    join(binDir, '..', 'src', 'eso', 'config', 'crds', 'bases'),
  ].filter((d) => d !== '');
}

export function findBinaries(env: NodeJS.ProcessEnv = process.env): FindResult {
  const dir = env.E2E_BIN_DIR;
  if (!dir) return { ok: false, missing: ['E2E_BIN_DIR (a folder with bao or vault, etcd, kube-apiserver, kubectl, external-secrets)'] };
  const missing: string[] = [];
  const at = (name: string) => {
    const p = join(dir, name);
    return existsSync(p) ? p : undefined;
  };
  const bao = at('bao');
  const vault = bao ?? at('vault');
  if (!vault) missing.push(`${join(dir, 'bao')} (or vault)`);
  const need = (name: string) => at(name) ?? (missing.push(join(dir, name)), '');
  const etcd = need('etcd');
  const kubeApiserver = need('kube-apiserver');
  const kubectl = need('kubectl');
  const externalSecrets = need('external-secrets');
  const crdDir = crdCandidates(dir).find((d) => existsSync(d) && readdirSync(d).some((f) => f.startsWith('external-secrets.io_')));
  if (!crdDir) missing.push(`ESO CRDs (set E2E_ESO_CRDS to ESO's config/crds/bases; tried ${crdCandidates(dir).join(', ')})`);
  if (missing.length > 0 || !vault || !crdDir) return { ok: false, missing };
  const esoCrds = readdirSync(crdDir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort().map((f) => join(crdDir, f));
  return { ok: true, bins: { dir, vault, vaultFlavour: bao ? 'bao' : 'vault', etcd, kubeApiserver, kubectl, externalSecrets, esoCrds } };
}

/** `go version -m`: the version of `module` compiled into `bin` (main module or dependency). */
export async function goModuleVersion(bin: string, module: string): Promise<string | undefined> {
  const out = await run('go', ['version', '-m', bin], { timeoutMs: 20_000 }).catch(() => undefined);
  if (!out || out.code !== 0) return undefined;
  for (const line of out.stdout.split('\n')) {
    const f = line.trim().split(/\s+/);
    if ((f[0] === 'mod' || f[0] === 'dep') && f[1] === module && f[2] && f[2] !== '(devel)') return f[2];
  }
  return undefined;
}

export async function firstLine(bin: string, args: string[]): Promise<string> {
  const out = await run(bin, args, { timeoutMs: 20_000 });
  return `${out.stdout}${out.stderr}`.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

/** The release tag of a source checkout (`git describe --tags`), when the folder is one. */
export async function sourceTag(dir: string): Promise<string | undefined> {
  const out = await run('git', ['-C', dir, 'describe', '--tags', '--always'], { timeoutMs: 10_000 }).catch(() => undefined);
  return out && out.code === 0 ? out.stdout.trim() : undefined;
}

/** A version string a build without release stamping reports (OpenBao's 2.0.0-HEAD default, Kubernetes' v0.0.0-master+$Format:%H$). */
const UNSTAMPED = /^v?0\.0\.0\b|-HEAD\b|\$Format|\(devel\)/;

export interface ComponentVersion {
  name: string;
  /** The version: what the binary says, unless that is an unstamped placeholder; then its Go module version, then its source checkout's tag. */
  version: string;
  /** Where `version` came from. */
  versionFrom: 'binary' | 'go module' | 'source checkout' | 'unknown';
  /** The binary's own first line of version output, verbatim. */
  reported: string;
  detail: string;
}

/**
 * One component's version as the binary reports it (`args`), falling back, when the binary was
 * built without release stamping or has no version command, to the Go module version compiled in
 * (`go version -m`) and then to the tag of the source checkout it was built from.
 */
export async function componentVersion(name: string, bin: string, args: string[], opts: { module?: string; sourceDir?: string; extra?: string } = {}): Promise<ComponentVersion> {
  const out = await run(bin, args, { timeoutMs: 20_000 }).catch(() => ({ code: 1, stdout: '', stderr: '' }));
  const reported = out.code === 0 ? (`${out.stdout}${out.stderr}`.split('\n').find((l) => l.trim() !== '')?.trim() ?? '') : '';
  const token = /v?\d+\.\d+\.\d+\S*/.exec(reported)?.[0]?.replace(/[,)]$/, '');
  const module = opts.module ? await goModuleVersion(bin, opts.module) : undefined;
  const source = opts.sourceDir ? await sourceTag(opts.sourceDir) : undefined;
  const said = reported ? `\`${[bin.split('/').pop(), ...args].join(' ')}\`: ${reported}` : `\`${[bin.split('/').pop(), ...args].join(' ')}\`: no version output`;
  const parts = [said, ...(opts.module ? [`go module ${opts.module} ${module ?? '(devel)'}`] : []), ...(source ? [`source checkout ${source}`] : []), ...(opts.extra ? [opts.extra] : [])];
  const pick = (version: string, versionFrom: ComponentVersion['versionFrom']): ComponentVersion => ({ name, version, versionFrom, reported, detail: parts.join('; ') });
  if (token && !UNSTAMPED.test(token)) return pick(token, 'binary');
  if (module) return pick(module, 'go module');
  if (source) return pick(source, 'source checkout');
  return pick(token ?? 'unknown', token ? 'binary' : 'unknown');
}
