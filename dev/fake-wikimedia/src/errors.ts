// The one error the fake's mutation and control APIs throw for bad input (answered with HTTP 400);
// anything else escaping a handler is a bug in the fake (HTTP 500).

export class FakeInputError extends Error {
  readonly code: string = 'FAKE_INPUT';
}
