import {
  type AttributeDefinition,
  BOT_SCOPE_CHANNELS,
  CHANNEL_LABELS,
  type ChannelKind,
  FlowGraph,
  type LocalizedText,
  listNodes,
  type NodeLocation,
  parseStoredGraph,
  type ValidationIssue,
} from '@omniflow/schemas';
import type { Catalogue } from '../catalogue.ts';
import { checkConditionGroup } from '../conditions.ts';
import { type AnyNodeDefinition, type NodeIssue, type PortSpec, scopesOf } from '../define.ts';
import { cyclicComponents } from '../graph/cycles.ts';
import { edgesBySource } from '../graph/edges-by-source.ts';
import { reachableFrom } from '../graph/reachable-from.ts';
import { validateNodeConfigCached } from './node-config-cache.ts';
import { describeZodIssue } from './zod-issues.ts';

/** Marks a schema message as being about the flow's stored structure, not a form field. */
const prefix = (text: LocalizedText): LocalizedText => ({ en: `The flow's structure is invalid: ${text.en}`, 'zh-Hant': `流程結構有誤:${text['zh-Hant']}` });

export interface ValidateGraphOptions {
  catalogue: Catalogue;
  /** The team's custom attribute definitions; when given, placeholders and conditions must name known ones. */
  attributes?: readonly AttributeDefinition[];
  /** Warn when a flow has more nodes than this (§9.11 suggests 500). */
  largeFlowWarning?: number;
}

export interface GraphValidation {
  /** True when there are no errors (warnings allowed). */
  ok: boolean;
  issues: ValidationIssue[];
  /** The parsed (and upgraded) graph, when its structure was readable. */
  graph?: FlowGraph;
  upgradedFrom?: number;
}

const m = (en: string, zh: string): LocalizedText => ({ en, 'zh-Hant': zh });

interface Placed {
  loc: NodeLocation;
  def?: AnyNodeDefinition;
  ports?: PortSpec[];
  name: string;
}

/**
 * Validates a stored flow graph of any format version. Never throws, whatever the input: every
 * problem becomes an issue with a severity, the node and field it concerns, and a readable message.
 */
export function validateGraph(raw: unknown, options: ValidateGraphOptions): GraphValidation {
  try {
    return validate(raw, options);
  } catch (e) {
    return {
      ok: false,
      issues: [
        {
          severity: 'error',
          code: 'internal_error',
          path: [],
          message: m(`The flow could not be checked (${e instanceof Error ? e.message : String(e)}).`, '無法檢查此流程,請回報問題。'),
        },
      ],
    };
  }
}

function validate(raw: unknown, options: ValidateGraphOptions): GraphValidation {
  const parsed = parseStoredGraph(raw);
  if (!parsed.ok) {
    return {
      ok: false,
      issues: parsed.error.map((e) => ({
        severity: 'error',
        code: 'invalid_graph',
        path: e.path,
        ...locate(raw, e.path),
        message: e.issue
          ? prefix(describeZodIssue(FlowGraph, e.issue))
          : m(
              `The flow's structure is invalid at ${e.path.join('.') || 'the top level'}: ${e.message}`,
              `流程結構在 ${e.path.join('.') || '最上層'} 有誤:${e.message}`,
            ),
      })),
    };
  }
  const graph = parsed.graph;
  const issues: ValidationIssue[] = [];
  const push = (issue: Omit<ValidationIssue, 'severity' | 'path'> & { severity?: 'error' | 'warning'; path?: ValidationIssue['path'] }) =>
    issues.push({ severity: 'error', path: [], ...issue });

  const placed = new Map<string, Placed>();
  const seenIds = new Set<string>();
  const claimId = (id: string, where: { nodeId?: string; moduleId?: string; edgeId?: string }) => {
    if (seenIds.has(id))
      push({ ...where, code: 'duplicate_id', message: m(`The id "${id}" is used twice in this flow.`, `識別碼「${id}」在此流程中重複使用。`) });
    seenIds.add(id);
  };
  if (graph.kind === 'chatbot') for (const mod of graph.modules) claimId(mod.id, { moduleId: mod.id });

  for (const loc of listNodes(graph)) {
    const node = loc.node;
    const where = { nodeId: node.id, ...(loc.kind === 'card' ? { moduleId: loc.module.id } : {}) };
    claimId(node.id, where);
    const def = options.catalogue.get(node.type, node.version);
    const p: Placed = { loc, name: node.label ?? def?.label.en ?? node.type };
    placed.set(node.id, p);
    if (!def) {
      const latest = options.catalogue.get(node.type);
      push({
        ...where,
        code: latest ? 'unknown_node_version' : 'unknown_node_type',
        message: latest
          ? m(
              `"${latest.label.en}" version ${node.version} is not installed (installed: ${latest.version}).`,
              `「${latest.label['zh-Hant']}」版本 ${node.version} 未安裝(已安裝版本 ${latest.version})。`,
            )
          : m(`Unknown node type "${node.type}". Is the plugin that provides it installed?`, `未知的節點類型「${node.type}」,請確認已安裝提供它的外掛。`),
      });
      continue;
    }
    p.def = def;
    if ((loc.kind === 'trigger') !== (def.category === 'trigger')) {
      push({
        ...where,
        code: loc.kind === 'trigger' ? 'not_a_trigger' : 'trigger_misplaced',
        message:
          loc.kind === 'trigger'
            ? m(`"${def.label.en}" is not a trigger.`, `「${def.label['zh-Hant']}」不是觸發條件。`)
            : m(`"${def.label.en}" is a trigger and belongs in the flow's triggers.`, `「${def.label['zh-Hant']}」是觸發條件,應放在觸發條件區。`),
      });
      continue;
    }
    if (!def.flowKinds.includes(graph.kind)) {
      push({
        ...where,
        code: 'wrong_flow_kind',
        message: m(
          `"${def.label.en}" is not available in a ${graph.kind}.`,
          `「${def.label['zh-Hant']}」無法用於${graph.kind === 'chatbot' ? '聊天機器人' : '顧客旅程'}。`,
        ),
      });
      continue;
    }
    const channels = nodeChannels(def, graph);
    if (graph.kind === 'chatbot' && !scopesOf(def).includes(graph.bot.scope)) {
      push({
        ...where,
        code: 'scope_unsupported',
        message: m(
          `"${def.label.en}" is not available for a bot of scope "${graph.bot.scope}".`,
          `「${def.label['zh-Hant']}」不適用於此平台範圍(${graph.bot.scope})的機器人。`,
        ),
      });
      continue;
    }
    if (graph.kind === 'journey' && def.channels !== 'any' && channels.length === 0) {
      const names = def.channels.map((c) => CHANNEL_LABELS[c]).join(', ');
      push({
        ...where,
        code: 'channel_unsupported',
        message: m(
          `"${def.label.en}" works only on ${names}, which this journey does not use.`,
          `「${def.label['zh-Hant']}」僅支援 ${names},此旅程未使用這些渠道。`,
        ),
      });
      continue;
    }
    const result = validateNodeConfigCached(def, node.config, {
      flowKind: graph.kind,
      channels,
      ...(graph.kind === 'chatbot' ? { scope: graph.bot.scope } : {}),
      ...(options.attributes ? { attributes: options.attributes } : {}),
    });
    for (const issue of result.issues) pushNodeIssue(push, where, ['config', ...issue.path], issue);
    if (result.config !== undefined) p.ports = def.ports(result.config, { flowKind: graph.kind });
  }

  if (graph.kind === 'chatbot') checkModules(graph, placed, push);
  checkEdges(graph, placed, push);
  if (graph.kind === 'journey') checkJourney(graph, placed, push, options);
  else checkChatbotReach(graph, placed, push);

  const nodeCount = graph.kind === 'journey' ? graph.nodes.length : graph.modules.reduce((n, mod) => n + mod.cards.length, 0);
  const large = options.largeFlowWarning ?? 500;
  if (nodeCount > large) {
    push({
      severity: 'warning',
      code: 'large_flow',
      message: m(`This flow has ${nodeCount} nodes; flows over ${large} are hard to maintain.`, `此流程有 ${nodeCount} 個節點,超過 ${large} 個會難以維護。`),
    });
  }
  return { ok: !issues.some((i) => i.severity === 'error'), issues, graph, ...(parsed.upgradedFrom ? { upgradedFrom: parsed.upgradedFrom } : {}) };
}

type Push = (issue: Omit<ValidationIssue, 'severity' | 'path'> & { severity?: 'error' | 'warning'; path?: ValidationIssue['path'] }) => void;

function pushNodeIssue(push: Push, where: { nodeId: string; moduleId?: string }, path: ValidationIssue['path'], issue: NodeIssue) {
  push({
    ...where,
    severity: issue.severity ?? 'error',
    code: issue.code ?? 'invalid_config',
    path,
    message: issue.message,
    ...(issue.channel ? { channel: issue.channel } : {}),
  });
}

/** Channels a node's content can reach in this flow. */
function nodeChannels(def: AnyNodeDefinition, graph: FlowGraph): ChannelKind[] {
  const flowChannels = graph.kind === 'journey' ? graph.channels : [...BOT_SCOPE_CHANNELS[graph.bot.scope]];
  return def.channels === 'any' ? flowChannels : flowChannels.filter((c) => (def.channels as readonly ChannelKind[]).includes(c));
}

/** Placement rules P1–P7 inside each module. */
function checkModules(graph: Extract<FlowGraph, { kind: 'chatbot' }>, placed: Map<string, Placed>, push: Push) {
  if (!graph.modules.some((mod) => mod.id === graph.entryModuleId)) {
    push({
      code: 'missing_entry',
      path: ['entryModuleId'],
      message: m('The first module of the bot is missing. Choose an entry module.', '找不到機器人的第一個模組,請指定起始模組。'),
    });
  }
  for (const mod of graph.modules) {
    if (mod.cards.length === 0) {
      push({
        severity: 'warning',
        moduleId: mod.id,
        code: 'empty_module',
        message: m(`Module "${mod.name}" has no cards.`, `模組「${mod.name}」沒有任何卡片。`),
      });
    }
    if (graph.bot.postReplyModuleIds.includes(mod.id) && mod.cards.length !== 1) {
      push({
        moduleId: mod.id,
        code: 'post_reply_single_card',
        message: m(`Module "${mod.name}" is a post DM reply, which must hold exactly one card.`, `模組「${mod.name}」用於貼文私訊回覆,只能有一張卡片。`),
      });
    }
    const types = mod.cards.map((c) => c.type);
    mod.cards.forEach((card, index) => {
      const def = placed.get(card.id)?.def;
      const rule = def?.placement;
      if (!def || !rule) return;
      const where = { nodeId: card.id, moduleId: mod.id };
      const name = def.label;
      if (rule.alone && mod.cards.length > 1) {
        push({
          ...where,
          code: 'must_be_alone',
          message: m(`"${name.en}" must be the only card in its module.`, `「${name['zh-Hant']}」必須是模組中唯一的卡片。`),
        });
      } else if (rule.last && index !== mod.cards.length - 1) {
        push({
          ...where,
          code: 'must_be_last',
          message: m(`"${name.en}" must be the last card of its module.`, `「${name['zh-Hant']}」必須是模組的最後一張卡片。`),
        });
      }
      if (rule.maxPerModule !== undefined && types.filter((t) => t === card.type).length > rule.maxPerModule && types.indexOf(card.type) !== index) {
        push({
          ...where,
          code: 'too_many_in_module',
          message: m(`A module can hold at most ${rule.maxPerModule} "${name.en}" card.`, `每個模組最多只能有 ${rule.maxPerModule} 張「${name['zh-Hant']}」。`),
        });
      }
      for (const other of rule.notWith ?? []) {
        if (types.includes(other)) {
          const otherName = placed.get(mod.cards.find((c) => c.type === other)?.id ?? '')?.def?.label ?? { en: other, 'zh-Hant': other };
          push({
            ...where,
            code: 'incompatible_cards',
            message: m(`"${name.en}" cannot share a module with "${otherName.en}".`, `「${name['zh-Hant']}」不能與「${otherName['zh-Hant']}」放在同一個模組。`),
          });
        }
      }
      if (rule.botPurpose && graph.bot.purpose !== rule.botPurpose) {
        push({
          ...where,
          code: 'wrong_bot_purpose',
          message: m(`"${name.en}" is only available in the cart-remarketing bot.`, `「${name['zh-Hant']}」僅能用於購物車再行銷機器人。`),
        });
      }
      if (rule.warnIfNotAlone && mod.cards.length > 1) {
        push({ ...where, severity: 'warning', code: 'not_alone', message: rule.warnIfNotAlone });
      }
    });
  }
}

function checkEdges(graph: FlowGraph, placed: Map<string, Placed>, push: Push) {
  const targets = new Set(graph.kind === 'journey' ? graph.nodes.map((n) => n.id) : graph.modules.map((mod) => mod.id));
  const used = new Map<string, string>();
  for (const edge of graph.edges) {
    if (placed.has(edge.id))
      push({ edgeId: edge.id, code: 'duplicate_id', message: m(`The id "${edge.id}" is used twice in this flow.`, `識別碼「${edge.id}」重複使用。`) });
    const src = placed.get(edge.source);
    if (!src) {
      push({ edgeId: edge.id, code: 'dangling_edge', message: m('A connection starts from a node that no longer exists.', '有一條連線的起點節點已不存在。') });
      continue;
    }
    const where = { edgeId: edge.id, nodeId: edge.source, ...(src.loc.kind === 'card' ? { moduleId: src.loc.module.id } : {}) };
    if (!targets.has(edge.target)) {
      push({
        ...where,
        code: 'dangling_edge',
        message:
          graph.kind === 'chatbot'
            ? m(`"${src.name}" links to a module that no longer exists.`, `「${src.name}」連到的模組已不存在。`)
            : m(`"${src.name}" connects to a node that no longer exists.`, `「${src.name}」連到的節點已不存在。`),
      });
    }
    if (src.ports && !src.ports.some((p) => p.id === edge.sourcePort)) {
      push({
        ...where,
        code: 'unknown_port',
        message: m(
          `"${src.name}" has a connection from an output it no longer has (was a button or branch removed?).`,
          `「${src.name}」有一條連線來自已不存在的輸出(按鈕或分支是否已刪除?)。`,
        ),
      });
    }
    const key = `${edge.source}\u0000${edge.sourcePort}`;
    if (used.has(key)) {
      push({
        ...where,
        code: 'port_multiple_targets',
        message: m(
          `An output of "${src.name}" is connected twice; each output leads to one place.`,
          `「${src.name}」的同一個輸出連了兩次,每個輸出只能連到一處。`,
        ),
      });
    }
    used.set(key, edge.target);
  }
  for (const [id, p] of placed) {
    if (!p.ports || !p.def) continue;
    const where = { nodeId: id, ...(p.loc.kind === 'card' ? { moduleId: p.loc.module.id } : {}) };
    for (const port of p.ports) {
      if (used.has(`${id}\u0000${port.id}`)) continue;
      if (p.loc.kind === 'trigger') {
        push({
          ...where,
          code: 'trigger_not_connected',
          message: m(`The trigger "${p.name}" does not lead anywhere yet.`, `觸發條件「${p.name}」尚未連到任何${graph.kind === 'chatbot' ? '模組' : '節點'}。`),
        });
      } else if (graph.kind === 'chatbot' && (port.role === 'branch' || port.role === 'next')) {
        push({
          ...where,
          code: 'missing_target',
          path: ['ports', port.id],
          message: m(`"${port.label.en}" in "${p.name}" does not lead to a module.`, `「${p.name}」的「${port.label['zh-Hant']}」尚未指定模組。`),
        });
      } else if (graph.kind === 'journey' && ['next', 'branch', 'success', 'event'].includes(port.role)) {
        // In a chatbot an unlinked timeout, free-text or outcome port has a defined default: the session ends or keywords apply.
        push({
          ...where,
          severity: 'warning',
          code: 'missing_output',
          path: ['ports', port.id],
          message: m(
            `Nothing follows "${port.label.en}" of "${p.name}": contacts leaving there end the journey.`,
            `「${p.name}」的「${port.label['zh-Hant']}」之後沒有節點,走到這裡的顧客會結束旅程。`,
          ),
        });
      }
    }
  }
}

function checkJourney(graph: Extract<FlowGraph, { kind: 'journey' }>, placed: Map<string, Placed>, push: Push, options: ValidateGraphOptions) {
  if (graph.triggers.length === 0)
    push({ code: 'no_trigger', path: ['triggers'], message: m('Add a trigger: it decides who enters the journey.', '請加入觸發條件,決定哪些顧客進入旅程。') });
  if (graph.nodes.length === 0) push({ code: 'empty_flow', path: ['nodes'], message: m('The journey has no steps yet.', '此旅程尚未有任何節點。') });
  const bySource = edgesBySource(graph.edges);
  const successors = (id: string) =>
    [...(bySource.get(id)?.values() ?? [])]
      .flat()
      .map((e) => e.target)
      .filter((t) => placed.has(t));
  const reached = reachableFrom(
    graph.triggers.flatMap((t) => successors(t.id)),
    successors,
  );
  for (const node of graph.nodes) {
    if (!reached.has(node.id)) {
      push({
        severity: 'warning',
        nodeId: node.id,
        code: 'unreachable',
        message: m(`"${placed.get(node.id)?.name}" cannot be reached from any trigger.`, `「${placed.get(node.id)?.name}」無法從任何觸發條件抵達。`),
      });
    }
  }
  const nodeIds = graph.nodes.map((n) => n.id);
  for (const component of cyclicComponents(nodeIds, successors)) {
    if (component.some((id) => placed.get(id)?.def?.waits)) continue;
    const names = component.map((id) => `"${placed.get(id)?.name}"`).join(' → ');
    for (const id of component) {
      push({
        nodeId: id,
        code: 'cycle_without_wait',
        message: m(`These steps loop without a wait: ${names}. Add a wait inside the loop.`, `這些節點形成沒有等待的迴圈:${names}。請在迴圈中加入等待節點。`),
      });
    }
  }
  const s = graph.settings;
  const attrs = options.attributes;
  const settingIssue = (path: (string | number)[], i: NodeIssue) =>
    push({ severity: i.severity ?? 'error', code: i.code ?? 'invalid_settings', path: ['settings', ...path, ...i.path], message: i.message });
  if (s.entryConditions) for (const i of checkConditionGroup(s.entryConditions, [], attrs)) settingIssue(['entryConditions'], i);
  s.exitConditions.forEach((x, n) => {
    if (x.when.kind === 'condition')
      for (const i of checkConditionGroup(x.when.condition, [], attrs)) settingIssue(['exitConditions', n, 'when', 'condition'], i);
  });
  s.goals.forEach((g, n) => {
    if (g.when.kind === 'condition') for (const i of checkConditionGroup(g.when.condition, [], attrs)) settingIssue(['goals', n, 'when', 'condition'], i);
  });
  if (s.quietHours && s.quietHours.start === s.quietHours.end) {
    push({
      code: 'invalid_settings',
      path: ['settings', 'quietHours', 'end'],
      message: m('Quiet hours must end at a different time than they start.', '勿擾時段的開始與結束時間不能相同。'),
    });
  }
  if (s.reentry.mode === 'afterCooldown' && s.reentry.cooldown.amount < 1) {
    push({
      code: 'invalid_settings',
      path: ['settings', 'reentry', 'cooldown', 'amount'],
      message: m('The re-entry cooldown must be at least 1.', '再次進入的冷卻時間至少為 1。'),
    });
  }
}

function checkChatbotReach(graph: Extract<FlowGraph, { kind: 'chatbot' }>, placed: Map<string, Placed>, push: Push) {
  const moduleOfCard = new Map<string, string>();
  for (const mod of graph.modules) for (const c of mod.cards) moduleOfCard.set(c.id, mod.id);
  const next = new Map<string, string[]>();
  for (const e of graph.edges) {
    const from = moduleOfCard.get(e.source);
    if (from) next.set(from, [...(next.get(from) ?? []), e.target]);
  }
  const starts = [graph.entryModuleId, ...graph.edges.filter((e) => graph.triggers.some((t) => t.id === e.source)).map((e) => e.target)];
  const reached = reachableFrom(starts, (id) => next.get(id) ?? []);
  for (const mod of graph.modules) {
    if (!reached.has(mod.id) && !graph.bot.postReplyModuleIds.includes(mod.id)) {
      push({
        severity: 'warning',
        moduleId: mod.id,
        code: 'unreachable',
        message: m(`Module "${mod.name}" is not reached from the first module or any trigger.`, `模組「${mod.name}」無法從第一個模組或任何觸發條件抵達。`),
      });
    }
  }
  void placed;
}

/** Best-effort node/module id for a structural error path in the raw input. */
function locate(raw: unknown, path: (string | number)[]): { nodeId?: string; moduleId?: string } {
  let cur: unknown = raw;
  const out: { nodeId?: string; moduleId?: string } = {};
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as string | number;
    if (cur === null || typeof cur !== 'object') break;
    cur = (cur as Record<string | number, unknown>)[seg];
    const id = cur && typeof cur === 'object' && !Array.isArray(cur) ? (cur as { id?: unknown }).id : undefined;
    if (typeof id === 'string' && typeof path[i - 1] === 'string') {
      if (path[i - 1] === 'modules') out.moduleId = id;
      else if (['nodes', 'triggers', 'cards'].includes(String(path[i - 1]))) out.nodeId = id;
    }
  }
  return out;
}
