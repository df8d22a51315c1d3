/**
 * How the runner reads a step's stdout for workflow commands (actions/runner,
 * src/Runner.Common/ActionCommand.cs and ActionCommandManager.cs): lines split at CR, LF or CRLF;
 * a line is a command when it starts with `::` after .NET's TrimStart (Unicode white space, NEL
 * included), or when it contains the legacy `##[` prefix anywhere.
 */
export function runnerLines(stdout: string): string[] {
  return stdout.split(/\r\n|\r|\n/);
}

export function isCommandLine(line: string): boolean {
  return line.replace(/^[\s\u0085]+/, '').startsWith('::') || line.includes('##[');
}

/** Every line of `stdout` the runner would execute as a command. */
export function commandLines(stdout: string): string[] {
  return runnerLines(stdout).filter(isCommandLine);
}
