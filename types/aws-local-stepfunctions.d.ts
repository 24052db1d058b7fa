/** What patches/aws-local-stepfunctions+3.0.0.patch adds to the interpreter's run options. */
import 'aws-local-stepfunctions';

declare module 'aws-local-stepfunctions' {
  interface RunOptions {
    /** Fail any state whose input (after Parameters) or output is over this many bytes, with States.DataLimitExceeded. */
    _maxPayloadBytes?: number;
  }
}
