/**
 * `csebatch verify <manifest.json>`: re-hashes every output the manifest lists (OPERATIONS.md
 * "Manifest": `outputs[].file` relative to the date folder, with `bytes` and `sha256`) and names
 * each file that is missing, changed or unreadable. The auditor's proof that the files on disk (or
 * in an archive copied with its manifest) are the ones the night wrote.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sha256File } from '../io/atomicWrite.ts';

/** The manifest itself cannot be read or has not the manifest's shape: usage error (exit 2). */
export class ManifestError extends Error {
  override name = 'ManifestError';
}

export interface VerifiedOutput {
  interface: string;
  file: string;
  status: 'ok' | 'missing' | 'mismatch' | 'unreadable';
  expectedSha256: string;
  actualSha256: string | null;
  expectedBytes: number;
  actualBytes: number | null;
}

export interface VerifyResult {
  manifest: string;
  businessDate: string;
  ok: boolean;
  outputs: VerifiedOutput[];
}

interface ListedOutput {
  interface: string;
  file: string;
  bytes: number;
  sha256: string;
}

function readManifest(file: string): { businessDate: string; outputs: ListedOutput[] } {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ManifestError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const m = json as { businessDate?: unknown; outputs?: unknown };
  if (typeof m !== 'object' || m === null || typeof m.businessDate !== 'string' || !Array.isArray(m.outputs)) {
    throw new ManifestError(`${file} is not a csebatch manifest (businessDate and outputs expected)`);
  }
  const outputs = m.outputs.map((o: unknown, i: number) => {
    const x = o as Partial<ListedOutput>;
    if (typeof x?.file !== 'string' || typeof x.sha256 !== 'string' || typeof x.bytes !== 'number') {
      throw new ManifestError(`${file}: outputs[${i}] has no file, bytes and sha256`);
    }
    return { interface: String(x.interface ?? ''), file: x.file, bytes: x.bytes, sha256: x.sha256 };
  });
  return { businessDate: m.businessDate, outputs };
}

export async function verifyManifest(manifestFile: string): Promise<VerifyResult> {
  const manifest = readManifest(manifestFile);
  const dir = path.dirname(path.resolve(manifestFile));
  const outputs: VerifiedOutput[] = [];
  for (const o of manifest.outputs) {
    const base: Omit<VerifiedOutput, 'status' | 'actualSha256' | 'actualBytes'> = {
      interface: o.interface,
      file: o.file,
      expectedSha256: o.sha256,
      expectedBytes: o.bytes,
    };
    const full = path.resolve(dir, o.file);
    // Manifest paths are relative to its folder; one pointing elsewhere is not followed.
    if (path.isAbsolute(o.file) || !full.startsWith(dir + path.sep)) {
      outputs.push({ ...base, status: 'unreadable', actualSha256: null, actualBytes: null });
      continue;
    }
    if (!fs.existsSync(full)) {
      outputs.push({ ...base, status: 'missing', actualSha256: null, actualBytes: null });
      continue;
    }
    try {
      const { sha256, bytes } = await sha256File(full);
      outputs.push({ ...base, status: sha256 === o.sha256 && bytes === o.bytes ? 'ok' : 'mismatch', actualSha256: sha256, actualBytes: bytes });
    } catch {
      outputs.push({ ...base, status: 'unreadable', actualSha256: null, actualBytes: null });
    }
  }
  return { manifest: manifestFile, businessDate: manifest.businessDate, ok: outputs.every((o) => o.status === 'ok'), outputs };
}

export function formatVerify(r: VerifyResult): string {
  const lines = r.outputs.map((o) => {
    switch (o.status) {
      case 'ok':
        return `ok        ${o.file}`;
      case 'missing':
        return `MISSING   ${o.file}`;
      case 'unreadable':
        return `UNREADABLE ${o.file}`;
      case 'mismatch':
        return `MISMATCH  ${o.file}: sha256 ${o.actualSha256} (${o.actualBytes} bytes), manifest says ${o.expectedSha256} (${o.expectedBytes} bytes)`;
    }
  });
  const bad = r.outputs.filter((o) => o.status !== 'ok').length;
  lines.push(`${r.businessDate}: ${r.outputs.length} output(s) listed, ${bad === 0 ? 'all match' : `${bad} do not match`}`);
  return `${lines.join('\n')}\n`;
}
