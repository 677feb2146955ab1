/**
 * Choosing the profile of a source: by name, or with 'auto' by asking every profile how sure it is
 * that it reads this header (CSV) or root element (XML).
 */
import { closest } from '../config.js';
import { FeedmillError } from '../errors.js';
import type { Profile } from './profile.js';
import { PROFILES } from './profiles/index.js';

export function findProfile(name: string): Profile {
  const p = PROFILES.find((x) => x.name === name);
  if (!p) {
    const names = PROFILES.map((x) => x.name);
    throw new FeedmillError('FEEDMILL_PROFILE_UNKNOWN', `no profile named ${name}; did you mean ${closest(name, names)}? (profiles: auto, ${names.join(', ')})`, {
      profile: name,
      known: names,
    });
  }
  return p;
}

export function selectCsvProfile(name: string, header: readonly string[]): Profile {
  if (name !== 'auto') {
    const p = findProfile(name);
    if (!p.csv) throw new FeedmillError('FEEDMILL_PROFILE_MISMATCH', `profile ${name} does not read CSV; choose another --profile`, { profile: name, format: 'csv' });
    return p;
  }
  const readers = PROFILES.filter((p) => p.csv && p.detectCsv);
  try {
    return best(readers.map((p) => [p, p.detectCsv?.(header) ?? 0] as const), 'csv', header.slice(0, 12).join(', '));
  } catch (e) {
    // A profile that would read this header but for a fixable flaw says what to fix.
    for (const p of readers) {
      const refusal = p.refuseCsv?.(header);
      if (refusal !== undefined) throw refusal;
    }
    throw e;
  }
}

export function selectXmlProfile(name: string, root: string, attrs: Readonly<Record<string, string>>): Profile {
  if (name !== 'auto') {
    const p = findProfile(name);
    if (!p.xml) throw new FeedmillError('FEEDMILL_PROFILE_MISMATCH', `profile ${name} does not read XML; choose another --profile`, { profile: name, format: 'xml' });
    return p;
  }
  return best(PROFILES.filter((p) => p.xml && p.detectXml).map((p) => [p, p.detectXml?.(root, attrs) ?? 0] as const), 'xml', `<${root}>`);
}

function best(scored: readonly (readonly [Profile, number])[], format: string, seen: string): Profile {
  let top: readonly [Profile, number] | undefined;
  for (const s of scored) if (top === undefined || s[1] > top[1]) top = s;
  if (top === undefined || top[1] <= 0) {
    throw new FeedmillError(
      'FEEDMILL_PROFILE_MISMATCH',
      `no profile recognises this ${format} source (starts with ${seen}); name one with --profile`,
      { format, seen },
    );
  }
  return top[0];
}
