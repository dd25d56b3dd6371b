import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl } from '../../src/logger/create-logger.js';

describe('logger', () => {
  it('redacts passwords, tokens, secrets and URLs', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, callback): void {
        lines.push(chunk.toString());
        callback();
      },
    });
    const logger = createLogger({ level: 'info', destination }).child({ service: 'redis' });
    logger.info(
      {
        password: 'hunter2',
        settings: { password: 'hunter3', token: 'tok' },
        secret: 's3',
        url: 'redis://u:pw@h',
      },
      'hello',
    );
    const line = lines.join('');
    expect(line).toContain('"service":"redis"');
    for (const secret of ['hunter2', 'hunter3', 'tok"', 's3', 'u:pw']) expect(line).not.toContain(secret);
    expect(line).toContain('[redacted]');
  });

  it('redactUrl hides the password but keeps the rest', () => {
    expect(redactUrl('redis://alice:pw@localhost:6380/2')).toBe('redis://alice:***@localhost:6380/2');
    expect(redactUrl('redis://localhost:6379')).toBe('redis://localhost:6379');
  });
});
