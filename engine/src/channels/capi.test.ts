import { Customer } from '@omniflow/schemas';
import { describe, expect, it } from 'vitest';
import {
  buildUserData,
  capiEvent,
  hashUserDataValue,
  normaliseBirthdate,
  normaliseCity,
  normaliseCountry,
  normaliseEmail,
  normaliseGender,
  normaliseName,
  normalisePhone,
  normaliseZip,
  sha256Hex,
} from './capi.ts';

// Every worked example of PLATFORMS.md §4.1.
describe('CAPI user_data normalisation and hashing (PLATFORMS §4.1)', () => {
  it('em', () => {
    expect(normaliseEmail('  John_Smith@gmail.com ')).toBe('john_smith@gmail.com');
    expect(hashUserDataValue('em', 'John_Smith@gmail.com')).toBe('62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f');
  });
  it('ph: digits only, no leading zeros, with the country code', () => {
    expect(normalisePhone('(650)555-1212', '1')).toBe('16505551212');
    expect(normalisePhone('+1 (650) 555-1212')).toBe('16505551212');
    expect(normalisePhone('001 650 555 1212')).toBe('16505551212');
    expect(normalisePhone('0911-223-344', '886')).toBe('886911223344');
    expect(normalisePhone('886911223344', '886')).toBe('886911223344');
    expect(hashUserDataValue('ph', '(650)555-1212', '1')).toBe('e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176');
  });
  it('fn / ln', () => {
    expect(normaliseName('Mary')).toBe('mary');
    expect(hashUserDataValue('fn', 'Mary')).toBe('6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec');
    expect(normaliseName('Valéry')).toBe('valéry');
    const v = hashUserDataValue('ln', 'Valéry')!;
    expect(v.startsWith('08e1996b')).toBe(true);
    expect(v.endsWith('29417149c')).toBe(true);
    // Decomposed é (e + U+0301) normalises to the same hash.
    expect(hashUserDataValue('ln', 'Vale\u0301ry')).toBe(v);
    expect(normaliseName("O'Brien.")).toBe('obrien');
  });
  it('ct, st, zp', () => {
    expect(normaliseCity('New York')).toBe('newyork');
    expect(normaliseCity('St. Louis')).toBe('stlouis');
    expect(normaliseCity('CA')).toBe('ca');
    expect(normaliseZip('94035')).toBe('94035');
    expect(normaliseZip('94035-1234')).toBe('94035');
    expect(normaliseZip('M1 1AE')).toBe('m11ae');
  });
  it('country', () => {
    expect(normaliseCountry('United States')).toBe('us');
    expect(normaliseCountry('US')).toBe('us');
    expect(normaliseCountry('Taiwan')).toBe('tw');
    expect(hashUserDataValue('country', 'United States')).toBe('79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621');
  });
  it('db', () => {
    expect(normaliseBirthdate('2/16/1997')).toBe('19970216');
    expect(normaliseBirthdate('1997-02-16')).toBe('19970216');
    expect(normaliseBirthdate('16/2/1997')).toBe('19970216');
    expect(hashUserDataValue('db', '2/16/1997')).toBe('01acdbf6ec7b4f478a225f1a246e5d6767eeab1a7ffa17f025265b5b94f40f0c');
    expect(hashUserDataValue('db', 'not a date')).toBeUndefined();
  });
  it('ge', () => {
    expect(normaliseGender('Female')).toBe('f');
    expect(normaliseGender('M')).toBe('m');
    expect(normaliseGender('x')).toBeUndefined();
  });
  it('already-hashed values pass through', () => {
    const h = sha256Hex('john_smith@gmail.com');
    expect(hashUserDataValue('em', h.toUpperCase())).toBe(h);
  });
});

const base = { id: 'c1', createdAt: '2025-01-01T00:00:00Z' };

describe('user_data of a contact', () => {
  it('hashes contact fields and attributes; leaves Meta ids unhashed', () => {
    const c = Customer.parse({
      ...base,
      email: 'John_Smith@gmail.com',
      phone: '16505551212',
      memberId: 'M-001',
      attributes: { first_name: 'Mary', country: 'United States', birthday: '1997-02-16', fbp: 'fb.1.1596403881668.1116446470' },
      identities: [{ channel: 'messenger', channelId: 'ch_fb', externalUserId: 'PSID123' }],
    });
    const r = buildUserData(c, { actionSource: 'business_messaging', messagingChannel: 'messenger' }, { metaIds: () => ({ pageId: 'PAGE9' }) });
    expect('userData' in r).toBe(true);
    const ud = (r as { userData: Record<string, unknown> }).userData;
    expect(ud.em).toEqual(['62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f']);
    expect(ud.ph).toEqual(['e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176']);
    expect(ud.fn).toEqual(['6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec']);
    expect(ud.country).toEqual(['79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621']);
    expect(ud.db).toEqual(['01acdbf6ec7b4f478a225f1a246e5d6767eeab1a7ffa17f025265b5b94f40f0c']);
    expect(ud.external_id).toEqual([sha256Hex('m-001')]);
    expect(ud.page_scoped_user_id).toBe('PSID123');
    expect(ud.page_id).toBe('PAGE9');
    expect(ud.fbp).toBe('fb.1.1596403881668.1116446470');
  });

  it('no_identity: a business-messaging event without the channel identity, or nothing matchable', () => {
    const lineOnly = Customer.parse({ ...base, identities: [{ channel: 'line', channelId: 'ch', externalUserId: 'U1' }] });
    expect(buildUserData(lineOnly, { actionSource: 'business_messaging', messagingChannel: 'messenger' })).toHaveProperty('noIdentity');
    expect(buildUserData(lineOnly, { actionSource: 'chat' })).toHaveProperty('noIdentity');
    const wa = Customer.parse({ ...base, phone: '886911223344', identities: [{ channel: 'whatsapp', channelId: 'wa', externalUserId: '886911223344' }] });
    expect(buildUserData(wa, { actionSource: 'business_messaging', messagingChannel: 'whatsapp' })).toHaveProperty('noIdentity');
    const waAd = Customer.parse({ ...base, attributes: { ctwa_clid: 'ARAkLkA8rmlFeiCktEJQ' }, identities: wa.identities });
    const r = buildUserData(
      waAd,
      { actionSource: 'business_messaging', messagingChannel: 'whatsapp' },
      { metaIds: () => ({ whatsappBusinessAccountId: 'WABA1' }) },
    );
    expect(r).toMatchObject({ userData: { ctwa_clid: 'ARAkLkA8rmlFeiCktEJQ', whatsapp_business_account_id: 'WABA1' } });
    expect(buildUserData(wa, { actionSource: 'chat' })).toHaveProperty('userData');
  });

  it('builds the server event: event_id, event_time in seconds, custom_data typed', () => {
    const ev = capiEvent(
      {
        idempotencyKey: 'run:capi:4:0',
        kind: 'capi',
        runId: 'run',
        flowId: 'f',
        customerId: 'c1',
        nodeId: 'capi',
        attempt: 1,
        payload: {
          datasetId: '1',
          eventName: 'Purchase',
          actionSource: 'business_messaging',
          messagingChannel: 'messenger',
          eventId: 'run:capi:4',
          eventTime: 1_741_000_000_000,
          customData: { value: '1280', currency: 'TWD', contentIds: ['SKU-1', ''], orderId: '' },
        },
      },
      { em: ['x'] },
    );
    expect(ev).toEqual({
      event_name: 'Purchase',
      event_time: 1_741_000_000,
      event_id: 'run:capi:4',
      action_source: 'business_messaging',
      messaging_channel: 'messenger',
      user_data: { em: ['x'] },
      custom_data: { value: 1280, currency: 'TWD', content_ids: ['SKU-1'] },
    });
  });
});
