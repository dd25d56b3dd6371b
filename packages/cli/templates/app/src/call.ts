// `npm run call -- some text`: adds a note through the running notes app, then reads it back.
import { connectNotes } from './client.js';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const words = process.argv.slice(2);
const text = words.length > 0 ? words.join(' ') : 'hello from keel';

const connection = await connectNotes(redisUrl);
try {
  const note = await connection.notes.add(text);
  console.log(`notes.add -> ${JSON.stringify(note)}`);
  const stored = await connection.notes.get(note.id);
  console.log(`notes.get -> ${JSON.stringify(stored)}`);
} finally {
  await connection.close();
}
