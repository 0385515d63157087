import type { FlexBox, FlexBubble, FlexComponent, FlexContainer } from './types.ts';

// Five Flex Messages in the shapes LINE's showcase made familiar (receipt, restaurant, hotel, shopping
// carousel, ticket), written for a Taiwanese shop. They validate cleanly, seed the Flex node's examples
// and are rendered by the Storybook screenshot tests. Images point at example.com so the tests never
// depend on a real CDN.

export interface FlexSample {
  id: 'receipt' | 'restaurant' | 'hotel' | 'shopping' | 'ticket';
  name: { en: string; 'zh-Hant': string };
  altText: string;
  contents: FlexContainer;
}

const IMG = 'https://example.com/flex';

/** A "label ……… value" row, the building block of receipts and tickets. */
const row = (label: string, value: string, bold = false): FlexBox => ({
  type: 'box',
  layout: 'horizontal',
  contents: [
    { type: 'text', text: label, size: 'sm', color: '#555555', flex: 0 },
    { type: 'text', text: value, size: 'sm', color: '#111111', align: 'end', ...(bold ? { weight: 'bold' as const } : {}) },
  ],
});

/** Five stars, `lit` of them gold, followed by the score. */
const stars = (lit: number, score: string): FlexBox => ({
  type: 'box',
  layout: 'baseline',
  margin: 'md',
  contents: [
    ...Array.from({ length: 5 }, (_, i): FlexComponent => ({ type: 'icon', size: 'sm', url: `${IMG}/icons/${i < lit ? 'star-gold' : 'star-grey'}.png` })),
    { type: 'text', text: score, size: 'sm', color: '#999999', margin: 'md', flex: 0 },
  ],
});

const receipt: FlexBubble = {
  type: 'bubble',
  styles: { footer: { separator: true } },
  body: {
    type: 'box',
    layout: 'vertical',
    contents: [
      { type: 'text', text: 'RECEIPT', weight: 'bold', color: '#1DB446', size: 'sm' },
      { type: 'text', text: '好日子生活選物 信義店', weight: 'bold', size: 'xl', margin: 'md', wrap: true },
      { type: 'text', text: '台北市信義區松仁路 100 號', size: 'xs', color: '#aaaaaa', wrap: true },
      { type: 'separator', margin: 'xxl' },
      {
        type: 'box',
        layout: 'vertical',
        margin: 'xxl',
        spacing: 'sm',
        contents: [
          row('有機燕麥奶 x2', 'NT$178'),
          row('手沖咖啡濾掛 10 入', 'NT$320'),
          row('竹纖維餐盤組', 'NT$450'),
          { type: 'separator', margin: 'xxl' },
          row('品項', '3'),
          row('合計', 'NT$948', true),
          row('會員點數折抵', '-NT$48'),
          row('實付金額', 'NT$900', true),
        ],
      },
      { type: 'separator', margin: 'xxl' },
      {
        type: 'box',
        layout: 'horizontal',
        margin: 'md',
        contents: [
          { type: 'text', text: '交易序號', size: 'xs', color: '#aaaaaa', flex: 0 },
          { type: 'text', text: '#20261125-0042', color: '#aaaaaa', size: 'xs', align: 'end' },
        ],
      },
    ],
  },
  footer: {
    type: 'box',
    layout: 'vertical',
    contents: [
      {
        type: 'button',
        style: 'link',
        height: 'sm',
        action: { type: 'uri', label: '查看電子發票', uri: 'https://example.com/invoice/20261125-0042?utm_source=omnichat' },
      },
    ],
  },
};

const restaurant: FlexBubble = {
  type: 'bubble',
  hero: {
    type: 'image',
    url: `${IMG}/restaurant/hero.jpg`,
    size: 'full',
    aspectRatio: '20:13',
    aspectMode: 'cover',
    action: { type: 'uri', label: '看菜單', uri: 'https://example.com/menu' },
  },
  body: {
    type: 'box',
    layout: 'vertical',
    contents: [
      { type: 'text', text: '巷口小館 Alley Bistro', weight: 'bold', size: 'xl', wrap: true },
      stars(4, '4.0'),
      {
        type: 'box',
        layout: 'vertical',
        margin: 'lg',
        spacing: 'sm',
        contents: [
          {
            type: 'box',
            layout: 'baseline',
            spacing: 'sm',
            contents: [
              { type: 'text', text: '地點', color: '#aaaaaa', size: 'sm', flex: 1 },
              { type: 'text', text: '台北市大安區永康街 7 巷 3 號', wrap: true, color: '#666666', size: 'sm', flex: 5 },
            ],
          },
          {
            type: 'box',
            layout: 'baseline',
            spacing: 'sm',
            contents: [
              { type: 'text', text: '營業', color: '#aaaaaa', size: 'sm', flex: 1 },
              { type: 'text', text: '11:30 - 14:30、17:30 - 21:30', wrap: true, color: '#666666', size: 'sm', flex: 5 },
            ],
          },
        ],
      },
    ],
  },
  footer: {
    type: 'box',
    layout: 'vertical',
    spacing: 'sm',
    flex: 0,
    contents: [
      { type: 'button', style: 'link', height: 'sm', action: { type: 'uri', label: '撥打電話', uri: 'tel:+886223456789' } },
      {
        type: 'button',
        style: 'primary',
        height: 'sm',
        color: '#E8702A',
        action: {
          type: 'datetimepicker',
          label: '預約訂位',
          data: 'action=reserve&store=alley-bistro',
          mode: 'datetime',
          initial: '2026-12-24T18:30',
          min: '2026-11-26T11:30',
          max: '2027-02-28T21:00',
        },
      },
      { type: 'box', layout: 'vertical', contents: [], margin: 'sm' },
    ],
  },
};

const hotel: FlexBubble = {
  type: 'bubble',
  size: 'mega',
  body: {
    type: 'box',
    layout: 'vertical',
    paddingAll: '0px',
    contents: [
      { type: 'image', url: `${IMG}/hotel/room.jpg`, size: 'full', aspectMode: 'cover', aspectRatio: '2:3', gravity: 'top' },
      {
        type: 'box',
        layout: 'vertical',
        position: 'absolute',
        offsetBottom: '0px',
        offsetStart: '0px',
        offsetEnd: '0px',
        paddingAll: '20px',
        backgroundColor: '#03303Acc',
        contents: [
          { type: 'text', text: '花蓮海岸度假飯店', size: 'xl', color: '#ffffff', weight: 'bold' },
          { type: 'text', text: '豪華海景雙人房・含早餐', size: 'sm', color: '#ebebeb', margin: 'sm' },
          {
            type: 'box',
            layout: 'baseline',
            spacing: 'lg',
            margin: 'md',
            contents: [
              { type: 'text', text: 'NT$4,680', color: '#ffffff', size: 'md', flex: 0, align: 'end' },
              {
                type: 'text',
                text: 'NT$5,800',
                color: '#a9a9a9',
                decoration: 'line-through',
                size: 'sm',
                align: 'end',
              },
            ],
          },
          {
            type: 'box',
            layout: 'vertical',
            borderWidth: '1px',
            borderColor: '#ffffff',
            cornerRadius: '4px',
            margin: 'xxl',
            height: '40px',
            justifyContent: 'center',
            action: { type: 'uri', label: '立即訂房', uri: 'https://example.com/booking/hualien-ocean?room=deluxe-sea' },
            contents: [{ type: 'text', text: '立即訂房', color: '#ffffff', align: 'center', size: 'sm' }],
          },
        ],
      },
      {
        type: 'box',
        layout: 'vertical',
        position: 'absolute',
        offsetTop: '18px',
        offsetStart: '18px',
        height: '25px',
        width: '64px',
        cornerRadius: '20px',
        backgroundColor: '#ff334b',
        justifyContent: 'center',
        contents: [{ type: 'text', text: '限時優惠', color: '#ffffff', align: 'center', size: 'xs' }],
      },
    ],
  },
};

interface Product {
  id: string;
  name: string;
  price: string;
  image: string;
  soldOut?: boolean;
}

const productBubble = (p: Product): FlexBubble => ({
  type: 'bubble',
  size: 'kilo',
  hero: { type: 'image', size: 'full', aspectRatio: '20:13', aspectMode: 'cover', url: `${IMG}/shop/${p.image}` },
  body: {
    type: 'box',
    layout: 'vertical',
    spacing: 'sm',
    contents: [
      { type: 'text', text: p.name, wrap: true, weight: 'bold', size: 'lg', maxLines: 2 },
      {
        type: 'text',
        contents: [
          { type: 'span', text: 'NT$', size: 'sm', color: '#999999' },
          { type: 'span', text: p.price, size: 'xl', weight: 'bold' },
        ],
      },
      ...(p.soldOut ? [{ type: 'text', text: '暫時缺貨', wrap: true, size: 'xs', margin: 'md', color: '#ff5551', flex: 0 } as const] : []),
    ],
  },
  footer: {
    type: 'box',
    layout: 'vertical',
    spacing: 'sm',
    contents: [
      p.soldOut
        ? {
            type: 'button',
            style: 'secondary',
            action: { type: 'postback', label: '到貨通知我', data: `action=restock_notify&sku=${p.id}`, displayText: '到貨請通知我' },
          }
        : { type: 'button', style: 'primary', action: { type: 'uri', label: '加入購物車', uri: `https://example.com/cart/add?sku=${p.id}` } },
      { type: 'button', action: { type: 'message', label: '問問店員', text: `我想詢問商品 ${p.id}` } },
    ],
  },
});

const seeMore: FlexBubble = {
  type: 'bubble',
  size: 'kilo',
  body: {
    type: 'box',
    layout: 'vertical',
    spacing: 'sm',
    justifyContent: 'center',
    contents: [
      {
        type: 'button',
        flex: 1,
        gravity: 'center',
        action: { type: 'uri', label: '看更多商品', uri: 'https://example.com/shop/new-arrivals' },
      },
    ],
  },
};

const shopping: FlexContainer = {
  type: 'carousel',
  contents: [
    productBubble({ id: 'TW-TEA-001', name: '阿里山高山烏龍茶 150g', price: '680', image: 'oolong.jpg' }),
    productBubble({ id: 'TW-PIN-204', name: '土鳳梨酥禮盒 12 入', price: '450', image: 'pineapple-cake.jpg' }),
    productBubble({ id: 'TW-MUG-017', name: '鶯歌手作陶杯', price: '890', image: 'mug.jpg', soldOut: true }),
    seeMore,
  ],
};

const ticket: FlexBubble = {
  type: 'bubble',
  header: {
    type: 'box',
    layout: 'vertical',
    paddingAll: '20px',
    background: { type: 'linearGradient', angle: '90deg', startColor: '#3A1C71', endColor: '#D76D77', centerColor: '#9D4A75', centerPosition: '40%' },
    contents: [
      { type: 'text', text: 'E-TICKET 電子票券', color: '#ffffffcc', size: 'xs' },
      { type: 'text', text: '城市爵士音樂節 2026', color: '#ffffff', size: 'xl', weight: 'bold', margin: 'sm', wrap: true },
    ],
  },
  hero: { type: 'image', url: `${IMG}/ticket/stage.jpg`, size: 'full', aspectRatio: '16:9', aspectMode: 'cover' },
  body: {
    type: 'box',
    layout: 'vertical',
    spacing: 'md',
    contents: [
      {
        type: 'box',
        layout: 'baseline',
        spacing: 'sm',
        contents: [
          { type: 'icon', url: `${IMG}/icons/calendar.png`, size: 'sm' },
          { type: 'text', text: '2026/12/31(四)19:30 入場', size: 'sm', color: '#333333', wrap: true },
        ],
      },
      {
        type: 'box',
        layout: 'baseline',
        spacing: 'sm',
        contents: [
          { type: 'icon', url: `${IMG}/icons/pin.png`, size: 'sm' },
          { type: 'text', text: '台北流行音樂中心 表演廳', size: 'sm', color: '#333333', wrap: true },
        ],
      },
      { type: 'separator' },
      row('座位', '2 樓 B 區 12 排 8 號', true),
      row('票種', '全票 x1'),
      {
        type: 'box',
        layout: 'vertical',
        margin: 'lg',
        alignItems: 'center',
        contents: [
          { type: 'image', url: `${IMG}/ticket/qr-20261231-0815.png`, size: 'md', aspectRatio: '1:1' },
          { type: 'text', text: '入場時請出示此 QR Code', size: 'xxs', color: '#aaaaaa', margin: 'sm' },
        ],
      },
    ],
  },
  footer: {
    type: 'box',
    layout: 'horizontal',
    spacing: 'sm',
    contents: [
      { type: 'button', style: 'secondary', height: 'sm', action: { type: 'clipboard', label: '複製訂單編號', clipboardText: 'JZ2026-1231-0815' } },
      {
        type: 'button',
        style: 'primary',
        height: 'sm',
        color: '#3A1C71',
        action: { type: 'uri', label: '加到行事曆', uri: 'https://example.com/calendar/jazz-2026.ics' },
      },
    ],
  },
};

export const FLEX_SAMPLES: readonly FlexSample[] = [
  { id: 'receipt', name: { en: 'Receipt', 'zh-Hant': '收據' }, altText: '您的購物收據:實付 NT$900', contents: receipt },
  { id: 'restaurant', name: { en: 'Restaurant', 'zh-Hant': '餐廳' }, altText: '巷口小館:看菜單、預約訂位', contents: restaurant },
  { id: 'hotel', name: { en: 'Hotel', 'zh-Hant': '飯店' }, altText: '花蓮海岸度假飯店限時優惠 NT$4,680 起', contents: hotel },
  { id: 'shopping', name: { en: 'Shopping carousel', 'zh-Hant': '購物輪播' }, altText: '本週新品推薦', contents: shopping },
  { id: 'ticket', name: { en: 'Ticket', 'zh-Hant': '票券' }, altText: '您的城市爵士音樂節電子票券', contents: ticket },
];
