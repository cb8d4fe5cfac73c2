// Text a finding echoes from a manifest or from Vault (names, keys, properties) is made safe to show:
// bidirectional controls (which reorder what a terminal or a PR review shows, the "Trojan Source"
// trick) are removed, and other control characters cannot break or hide a line.

// U+202A–U+202E (embeddings, overrides), U+2066–U+2069 (isolates), U+200E/U+200F/U+061C (marks).
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
// C0 (but tab and newline), DEL and C1 controls, and the line/paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]+/g;
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** Bidi controls dropped, control characters other than tab and newline turned into a space. */
export function safeText(text: string): string {
  return text.replace(BIDI, '').replace(CONTROL_BUT_LINES, ' ');
}

/** One printable line (the message builder's form): safeText, then every line break collapsed. */
export function displayText(text: string): string {
  return safeText(text).replace(ANY_CONTROL, ' ').replace(/ {2,}/g, ' ').trim();
}
