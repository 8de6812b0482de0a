import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Structured JSON logs. Authorization headers, cookies and tokens are redacted wherever they appear,
 * and request logs carry no query strings or client addresses (personal data stays out of logs).
 */
export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'certwatch' },
      redact: {
        paths: [
          'authorization',
          'token',
          '*.authorization',
          '*.token',
          'headers.authorization',
          'headers.cookie',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ sync: false }),
  );
}
