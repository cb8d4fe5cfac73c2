// Problems that stop a `check` run before any object is checked (exit code 2, one line on stderr).
export class CheckConfigError extends Error {}
