import { describe, expect, it } from 'vitest';
import type { NodeCheckContext } from '../../define.ts';
import { scopesOf } from '../../define.ts';
import { validateNodeConfig } from '../../validate/node.ts';
import { fileMessage } from './file.ts';

const messenger: NodeCheckContext = { flowKind: 'chatbot', channels: ['messenger'], scope: 'fb_ig' };
const codes = (config: unknown) => validateNodeConfig(fileMessage, config, messenger).issues.map((i) => `${i.path.join('.')}:${i.code}`);

describe('message.file', () => {
  it('is limited to bots that reach Messenger or WhatsApp', () => {
    expect(scopesOf(fileMessage)).toEqual(['all', 'fb_ig', 'whatsapp']);
  });

  it('requires an https file URL and accepts any format up to 8 MB', () => {
    expect(codes({ url: '' })).toEqual(['url:required']);
    expect(codes({ url: 'ftp://files.example.com/a.pdf' })).toEqual(['url:invalid_url']);
    expect(codes({ url: 'https://files.example.com/a.zip', mimeType: 'application/zip', sizeBytes: 8 * 1024 * 1024 })).toEqual([]);
    expect(codes({ url: 'https://files.example.com/a.zip', sizeBytes: 8 * 1024 * 1024 + 1 })).toEqual(['sizeBytes:too_large']);
  });

  it('has no ports', () => {
    expect(fileMessage.ports(fileMessage.config.parse({ url: 'https://x.example.com/a.pdf' }), { flowKind: 'chatbot' })).toEqual([]);
  });
});
