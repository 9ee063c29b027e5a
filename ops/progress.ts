/** Progress lines on stderr, so stdout carries only the report (and `--json` stays parseable). */
export type Progress = (line: string) => void;

export const stderrProgress: Progress = (line) => {
  process.stderr.write(`${line}\n`);
};

export const silentProgress: Progress = () => undefined;
