/** A Typst error, kept as plain data so it crosses the worker boundary. */
export class TypstError extends Error {
  constructor(
    message: string,
    readonly standard: boolean,
  ) {
    super(message);
    this.name = 'TypstError';
  }
}
