import type { LocalizedText } from '@omniflow/schemas';
import { createContext, type ReactNode, useContext, useMemo, useState } from 'react';
import { chatbotEn, chatbotZh } from './chatbot/messages.ts';
import { conditionEn, conditionZh } from './editor/condition/messages.ts';
import { settingsEn, settingsZh } from './settings/messages.ts';
import { versionsEn, versionsZh } from './versions/messages.ts';

export type Locale = 'en' | 'zh-Hant';

const en = {
  'app.title': 'Omniflow Studio',
  'signin.title': 'Sign in',
  'signin.email': 'Email',
  'signin.password': 'Password',
  'signin.submit': 'Sign in',
  'signin.failed': 'The email or password is not right.',
  signout: 'Sign out',
  language: 'Language',
  'flows.title': 'Flows',
  'flows.search': 'Search flows',
  'flows.kind': 'Kind',
  'flows.status': 'Status',
  'flows.channel': 'Channel',
  'flows.all': 'All',
  'flows.empty': 'No flows match.',
  'flows.name': 'Name',
  'flows.updated': 'Updated',
  'flows.open': 'Open',
  'flows.duplicate': 'Duplicate',
  'flows.archive': 'Archive',
  'flows.more': 'Load more',
  'kind.journey': 'Journey',
  'kind.chatbot': 'Chatbot',
  'create.journey': 'New journey',
  'create.chatbot': 'New chatbot',
  'create.name': 'Name',
  'create.channels': 'Channels',
  'create.scope': 'Platform',
  'create.submit': 'Create',
  cancel: 'Cancel',
  close: 'Close',
  'status.draft': 'Draft',
  'status.scheduled': 'Scheduled',
  'status.active': 'Active',
  'status.paused': 'Paused',
  'status.ended': 'Ended',
  'status.archived': 'Archived',
  'editor.back': 'All flows',
  'editor.palette': 'Add a node',
  'editor.paletteSearch': 'Search nodes',
  'editor.undo': 'Undo',
  'editor.redo': 'Redo',
  'editor.layout': 'Auto-layout',
  'editor.fit': 'Zoom to fit',
  'editor.delete': 'Delete node',
  'editor.publish': 'Publish',
  'editor.problems': 'Problems',
  'editor.noProblems': 'No problems.',
  'editor.selectNode': 'Select a node to edit it.',
  'editor.addToCanvas': 'Add to canvas',
  'editor.chatbotSoon': 'The chatbot module editor is not built yet; this flow can be listed, duplicated and archived.',
  'save.saving': 'Saving…',
  'save.saved': 'All changes saved',
  'save.dirty': 'Unsaved changes',
  'save.failed': 'Could not save',
  'save.retry': 'Retry',
  'conflict.title': 'Someone else changed this draft',
  'conflict.body': 'The draft was saved by {who} while you were editing. Choose which version to keep.',
  'conflict.mine': 'Your version',
  'conflict.theirs': 'Their version',
  'conflict.keepMine': 'Keep mine',
  'conflict.takeTheirs': 'Take theirs',
  'conflict.summary': '{nodes} nodes, {edges} connections',
  'conflict.onlyHere': 'Only in this version',
  'conflict.changed': 'Changed differently',
  'publish.title': 'Publish',
  'publish.notes': 'Release notes',
  'publish.inFlight': 'Contacts already in the flow',
  'publish.keep': 'Stay on the version they started',
  'publish.move': 'Move to the new version at their next wait',
  'publish.cancel': 'Stop their runs',
  'publish.confirmWarnings': 'Publish despite warnings',
  'publish.submit': 'Publish',
  'publish.refused': 'Publishing was refused. Fix these first:',
  'publish.done': 'Published version {n}.',
  'preview.title': 'Preview',
  'preview.channel': 'Preview on',
  'form.add': 'Add',
  'form.remove': 'Remove',
  'form.tagsHint': 'Press Enter to add',
  'form.unsupported': 'This field is edited in a later version of the studio.',
  'form.label': 'Node name on the canvas',
  'error.generic': 'Something went wrong. Please try again.',
  'error.forbidden': 'Your role does not allow this.',
  'error.network': 'The server cannot be reached.',
  ...versionsEn,
  ...chatbotEn,
  ...settingsEn,
  ...conditionEn,
} as const;

export type MessageKey = keyof typeof en;

const zh: Record<MessageKey, string> = {
  'app.title': 'Omniflow 工作室',
  'signin.title': '登入',
  'signin.email': '電子郵件',
  'signin.password': '密碼',
  'signin.submit': '登入',
  'signin.failed': '電子郵件或密碼不正確。',
  signout: '登出',
  language: '語言',
  'flows.title': '流程',
  'flows.search': '搜尋流程',
  'flows.kind': '類型',
  'flows.status': '狀態',
  'flows.channel': '渠道',
  'flows.all': '全部',
  'flows.empty': '沒有符合的流程。',
  'flows.name': '名稱',
  'flows.updated': '更新時間',
  'flows.open': '開啟',
  'flows.duplicate': '複製',
  'flows.archive': '封存',
  'flows.more': '載入更多',
  'kind.journey': '旅程',
  'kind.chatbot': '聊天機器人',
  'create.journey': '新增旅程',
  'create.chatbot': '新增聊天機器人',
  'create.name': '名稱',
  'create.channels': '渠道',
  'create.scope': '平台',
  'create.submit': '建立',
  cancel: '取消',
  close: '關閉',
  'status.draft': '草稿',
  'status.scheduled': '已排程',
  'status.active': '啟用中',
  'status.paused': '已暫停',
  'status.ended': '已結束',
  'status.archived': '已封存',
  'editor.back': '所有流程',
  'editor.palette': '新增節點',
  'editor.paletteSearch': '搜尋節點',
  'editor.undo': '復原',
  'editor.redo': '重做',
  'editor.layout': '自動排版',
  'editor.fit': '縮放至適當大小',
  'editor.delete': '刪除節點',
  'editor.publish': '發布',
  'editor.problems': '問題',
  'editor.noProblems': '沒有問題。',
  'editor.selectNode': '選取節點以編輯。',
  'editor.addToCanvas': '加入畫布',
  'editor.chatbotSoon': '聊天機器人模組編輯器尚未完成;此流程可列出、複製與封存。',
  'save.saving': '儲存中…',
  'save.saved': '已儲存所有變更',
  'save.dirty': '有未儲存的變更',
  'save.failed': '無法儲存',
  'save.retry': '重試',
  'conflict.title': '其他人修改了此草稿',
  'conflict.body': '{who} 在您編輯時儲存了草稿。請選擇要保留的版本。',
  'conflict.mine': '您的版本',
  'conflict.theirs': '對方的版本',
  'conflict.keepMine': '保留我的',
  'conflict.takeTheirs': '採用對方的',
  'conflict.summary': '{nodes} 個節點,{edges} 條連線',
  'conflict.onlyHere': '僅在此版本',
  'conflict.changed': '兩邊修改不同',
  'publish.title': '發布',
  'publish.notes': '版本說明',
  'publish.inFlight': '已在流程中的顧客',
  'publish.keep': '留在開始時的版本',
  'publish.move': '在下一個等待點移到新版本',
  'publish.cancel': '停止其執行',
  'publish.confirmWarnings': '忽略警告並發布',
  'publish.submit': '發布',
  'publish.refused': '無法發布,請先修正:',
  'publish.done': '已發布第 {n} 版。',
  'preview.title': '預覽',
  'preview.channel': '預覽渠道',
  'form.add': '新增',
  'form.remove': '移除',
  'form.tagsHint': '按 Enter 新增',
  'form.unsupported': '此欄位將於之後的版本中提供編輯。',
  'form.label': '畫布上的節點名稱',
  'error.generic': '發生錯誤,請再試一次。',
  'error.forbidden': '您的角色沒有此權限。',
  'error.network': '無法連線至伺服器。',
  ...versionsZh,
  ...chatbotZh,
  ...settingsZh,
  ...conditionZh,
};

export const MESSAGES: Record<Locale, Record<MessageKey, string>> = { en, 'zh-Hant': zh };

export function translate(locale: Locale, key: MessageKey, vars: Record<string, string | number> = {}): string {
  return MESSAGES[locale][key].replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** Picks the locale's side of a catalogue text. */
  l(text: LocalizedText): string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLocale(): Locale {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('omniflow.locale') : null;
  if (saved === 'en' || saved === 'zh-Hant') return saved;
  return typeof navigator !== 'undefined' && /^zh/i.test(navigator.language) ? 'zh-Hant' : 'en';
}

export function I18nProvider({ children, locale: fixed }: { children: ReactNode; locale?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(fixed ?? initialLocale);
  const value = useMemo<I18n>(
    () => ({
      locale,
      setLocale(next) {
        setLocaleState(next);
        try {
          localStorage.setItem('omniflow.locale', next);
        } catch {
          // private mode: the choice lasts for this page only
        }
        document.documentElement.lang = next;
      },
      t: (key, vars) => translate(locale, key, vars),
      l: (text) => text[locale],
    }),
    [locale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
