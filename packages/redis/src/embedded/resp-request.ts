import { connect } from 'node:net';

/** An error reply (`-ERR ...`) of a {@link respRequest}. */
export interface RespErrorReply {
  readonly error: string;
}

/** One decoded RESP2 reply. */
export type RespReply = string | number | null | RespErrorReply | readonly RespReply[];

/** True when `reply` is an error reply. */
export function isRespError(reply: RespReply | undefined): reply is RespErrorReply {
  return typeof reply === 'object' && reply !== null && !Array.isArray(reply) && 'error' in reply;
}

/**
 * Sends commands on a fresh TCP connection and resolves with the replies received until every
 * command was answered, the connection closed or failed (e.g. after `SHUTDOWN`, or nothing
 * listening), or `timeoutMs` elapsed; it never rejects, callers decide what a missing reply
 * means. Used only to probe and stop embedded servers, so that module needs no client library.
 */
export function respRequest(
  host: string,
  port: number,
  commands: readonly (readonly string[])[],
  timeoutMs: number,
): Promise<RespReply[]> {
  return new Promise((resolve) => {
    const replies: RespReply[] = [];
    let buffer = Buffer.alloc(0);
    const socket = connect({ host, port });
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(replies);
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('connect', () => {
      socket.write(commands.map(encodeCommand).join(''));
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const parsed = parseReply(buffer, 0);
        if (parsed === undefined) break;
        replies.push(parsed.reply);
        buffer = buffer.subarray(parsed.end);
      }
      if (replies.length >= commands.length) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
  });
}

function encodeCommand(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
}

function parseReply(buffer: Buffer, start: number): { reply: RespReply; end: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', start);
  if (lineEnd === -1) return undefined;
  const type = String.fromCharCode(buffer[start] ?? 0);
  const line = buffer.toString('utf8', start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return { reply: line, end: next };
    case '-':
      return { reply: { error: line }, end: next };
    case ':':
      return { reply: Number(line), end: next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { reply: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      return { reply: buffer.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { reply: null, end: next };
      const items: RespReply[] = [];
      let offset = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buffer, offset);
        if (item === undefined) return undefined;
        items.push(item.reply);
        offset = item.end;
      }
      return { reply: items, end: offset };
    }
    default:
      return { reply: { error: `unexpected reply type ${JSON.stringify(type)}` }, end: next };
  }
}
