// What a change breaks: the findings of an object that are present after the change and absent
// today. A finding is the same problem when its code, severity and field are: the message may
// change wording with the facts (another deciding rule, a role that became unreadable), which is
// not a new breakage. Several findings on one field (a `find` over many candidates) are matched
// message for message first, so a new candidate that fails is still new.
import type { Finding } from '../../checks/finding.js';

const key = (f: Finding): string => `${f.code}\u0000${f.severity}\u0000${f.field}`;

export function newFindings(today: readonly Finding[], after: readonly Finding[]): Finding[] {
  const unmatched = [...today];
  const take = (pred: (t: Finding) => boolean): boolean => {
    const at = unmatched.findIndex(pred);
    if (at < 0) return false;
    unmatched.splice(at, 1);
    return true;
  };
  const pending = after.filter((f) => !take((t) => key(t) === key(f) && t.message === f.message));
  return pending.filter((f) => !take((t) => key(t) === key(f)));
}
