/**
 * Simulation parameters of the demo contact center: channel mix, weekly and intraday shapes, and per queue the
 * IVR menu, handle-time distributions, patience, transfers and follow-ups. Service targets and opening hours
 * come from seeds/queues.csv; everything here is how customers and agents behave.
 */

export interface Disposition {
  code: string;
  weight: number;
  /** Whether the code means the issue was resolved (as in seeds/dispositions.csv). */
  resolved: boolean;
}

export interface QueueProfile {
  queueId: string;
  /** Share of IVR callers who choose this queue's branch (voice queues). */
  voiceShare: number;
  /** IVR path prefix of the queue's branch, e.g. `main>card`. */
  ivrBranch: string;
  /** Self-service leaves under the branch (path `branch>leaf>self_service_end`). */
  selfServiceLeaves: readonly string[];
  /** Sub-menus that lead to an agent (path `branch>node>agent`), besides `branch>agent`. */
  agentLeaves: readonly string[];
  selfServiceShare: number;
  ivrAbandonShare: number;
  /** Talk time: lognormal median (s) and log standard deviation. */
  talkMedian: number;
  talkSigma: number;
  holdShare: number;
  holdMedian: number;
  acwMedian: number;
  /** Mean customer patience in the queue (exponential), seconds. */
  patienceMean: number;
  transferShare: number;
  transferTargets: readonly string[];
  ticketShare: number;
  /** Of callers who abandoned after waiting 20 s or more: share offered a callback. */
  callbackShare: number;
  /** Of the other abandoning callers: share who call again within the hour. */
  redialShare: number;
  surveyShare: number;
  /** Routing priority written on the queue's legs (empty when 0). */
  priority: number;
  dispositions: readonly Disposition[];
  ticketGroup: string;
  ticketSubjects: readonly string[];
}

const ascii: readonly Disposition[] = [
  { code: 'resolved', weight: 60, resolved: true },
  { code: 'info_given', weight: 27, resolved: true },
  { code: 'follow_up', weight: 9, resolved: false },
  { code: 'escalated', weight: 4, resolved: false },
];

export const profiles: readonly QueueProfile[] = [
  {
    queueId: 'credit_card', voiceShare: 0.35, ivrBranch: 'main>card', selfServiceLeaves: ['bill', 'repayment', 'points'], agentLeaves: ['loss', 'dispute'],
    selfServiceShare: 0.3, ivrAbandonShare: 0.06, talkMedian: 190, talkSigma: 0.75, holdShare: 0.2, holdMedian: 45, acwMedian: 25, patienceMean: 240,
    transferShare: 0.06, transferTargets: ['account', 'complaint'], ticketShare: 0.05, callbackShare: 0.25, redialShare: 0.3, surveyShare: 0.25, priority: 5,
    dispositions: [...ascii, { code: 'sale', weight: 4, resolved: true }], ticketGroup: '信用卡服务组',
    ticketSubjects: ['信用卡年费争议', '分期手续费咨询', '信用卡盗刷申诉', '账单金额有误', '临时额度申请'],
  },
  {
    queueId: 'vip', voiceShare: 0.1, ivrBranch: 'vip', selfServiceLeaves: ['balance'], agentLeaves: [],
    selfServiceShare: 0.05, ivrAbandonShare: 0.02, talkMedian: 260, talkSigma: 0.7, holdShare: 0.2, holdMedian: 40, acwMedian: 30, patienceMean: 360,
    transferShare: 0.05, transferTargets: ['loan', 'complaint'], ticketShare: 0.06, callbackShare: 0.4, redialShare: 0.4, surveyShare: 0.3, priority: 1,
    dispositions: [...ascii, { code: 'sale', weight: 6, resolved: true }], ticketGroup: 'VIP客户服务组',
    ticketSubjects: ['理财产品赎回咨询', '大额转账额度调整', '专属客户经理变更'],
  },
  {
    queueId: 'account', voiceShare: 0.3, ivrBranch: 'main>account', selfServiceLeaves: ['balance', 'transactions', 'password'], agentLeaves: ['frozen'],
    selfServiceShare: 0.38, ivrAbandonShare: 0.05, talkMedian: 150, talkSigma: 0.7, holdShare: 0.15, holdMedian: 40, acwMedian: 20, patienceMean: 200,
    transferShare: 0.05, transferTargets: ['loan', 'complaint'], ticketShare: 0.04, callbackShare: 0.2, redialShare: 0.3, surveyShare: 0.25, priority: 5,
    dispositions: ascii, ticketGroup: '账户服务组',
    ticketSubjects: ['账户冻结解除', '转账未到账', '流水打印申请', '手机银行登录异常'],
  },
  {
    queueId: 'loan', voiceShare: 0.14, ivrBranch: 'main>loan', selfServiceLeaves: ['rate', 'repayment_plan'], agentLeaves: ['mortgage'],
    selfServiceShare: 0.15, ivrAbandonShare: 0.06, talkMedian: 320, talkSigma: 0.8, holdShare: 0.3, holdMedian: 60, acwMedian: 45, patienceMean: 300,
    transferShare: 0.04, transferTargets: ['complaint'], ticketShare: 0.08, callbackShare: 0.3, redialShare: 0.3, surveyShare: 0.25, priority: 5,
    dispositions: [...ascii, { code: 'sale', weight: 5, resolved: true }], ticketGroup: '贷款服务组',
    ticketSubjects: ['提前还款申请', '贷款利率调整咨询', '贷款材料补充', '还款计划变更'],
  },
  {
    queueId: 'complaint', voiceShare: 0.11, ivrBranch: 'main>complaint', selfServiceLeaves: [], agentLeaves: [],
    selfServiceShare: 0, ivrAbandonShare: 0.04, talkMedian: 420, talkSigma: 0.8, holdShare: 0.35, holdMedian: 60, acwMedian: 70, patienceMean: 300,
    transferShare: 0, transferTargets: [], ticketShare: 0.3, callbackShare: 0.3, redialShare: 0.4, surveyShare: 0.2, priority: 5,
    // This queue's agents wrap up with the Chinese codes of seeds/dispositions.csv.
    dispositions: [
      { code: '已解决', weight: 50, resolved: true },
      { code: '咨询完毕', weight: 25, resolved: true },
      { code: '未解决', weight: 25, resolved: false },
    ],
    ticketGroup: '投诉处理组',
    ticketSubjects: ['服务态度投诉', '排队时间过长投诉', '营业网点服务投诉', '费用扣除异议'],
  },
  {
    queueId: 'chat', voiceShare: 0, ivrBranch: '', selfServiceLeaves: [], agentLeaves: [],
    selfServiceShare: 0, ivrAbandonShare: 0, talkMedian: 360, talkSigma: 0.7, holdShare: 0, holdMedian: 0, acwMedian: 30, patienceMean: 240,
    transferShare: 0, transferTargets: [], ticketShare: 0.06, callbackShare: 0, redialShare: 0, surveyShare: 0.3, priority: 5,
    dispositions: ascii, ticketGroup: '在线服务组',
    ticketSubjects: ['线上申请进度查询', '手机银行功能建议', 'APP闪退问题'],
  },
  {
    queueId: 'email', voiceShare: 0, ivrBranch: '', selfServiceLeaves: [], agentLeaves: [],
    selfServiceShare: 0, ivrAbandonShare: 0, talkMedian: 420, talkSigma: 0.8, holdShare: 0, holdMedian: 0, acwMedian: 40, patienceMean: 3 * 86_400,
    transferShare: 0, transferTargets: [], ticketShare: 1, callbackShare: 0, redialShare: 0, surveyShare: 0, priority: 5,
    dispositions: [
      { code: 'info_given', weight: 70, resolved: true },
      { code: 'follow_up', weight: 30, resolved: false },
    ],
    ticketGroup: '邮件服务组',
    ticketSubjects: ['邮件咨询：账单疑问', '邮件咨询：开户证明', '邮件咨询：境外用卡', '邮件咨询：发票申请'],
  },
];

/** Queues in simulation order: transfers only go to queues later in this list. */
export const simulationOrder = profiles.map((p) => p.queueId);

export function profileOf(queueId: string): QueueProfile {
  const p = profiles.find((q) => q.queueId === queueId);
  if (!p) throw new Error(`no simulation profile for queue "${queueId}" (seeds/queues.csv and seeds/generator/profiles.ts disagree)`);
  return p;
}

/** Shares of inbound contacts by how they start. */
export const channelMix = { voice: 0.66, bot: 0.3, email: 0.04 } as const;
/** Web-form tickets (no ACD contact) per inbound contact. */
export const webTicketsPerContact = 0.012;
/** Bot sessions: share wanting an agent, share leaving after a misunderstanding; the rest are contained. */
export const botOutcomes = { escalate: 0.32, fallbackExit: 0.07 } as const;
export const botFallbackShare = 0.05;
/** Share of customers the switch or the bot cannot identify, by how they come in. */
export const unidentifiedShare = { voice: 0.1, bot: 0.3, email: 0.02 } as const;
/** Share of new contacts made by a recent customer whose issue was left unresolved (repeat contacts). */
export const repeatShare = 0.12;
export const callbackFailShare = 0.25;
export const shortAbandonSeconds = 5;

/** Volume by weekday (Monday first), relative to an average day. */
export const weekdayFactors = {
  voice: [1.18, 1.06, 1.0, 0.98, 1.02, 0.68, 0.62],
  bot: [1.08, 1.03, 1.0, 1.0, 1.02, 0.88, 0.84],
  email: [1.15, 1.05, 1.0, 1.0, 1.0, 0.6, 0.55],
} as const;

/** Arrivals by hour of the day (relative weights, local time). */
export const hourlyShapes = {
  voice: [0.8, 0.5, 0.35, 0.3, 0.3, 0.45, 1.0, 2.5, 5.5, 8.5, 9.5, 9.2, 7.5, 7.0, 8.5, 8.8, 8.2, 7.0, 5.5, 4.5, 4.2, 3.6, 2.5, 1.5],
  bot: [1.2, 0.8, 0.5, 0.4, 0.4, 0.5, 0.9, 2.0, 4.0, 6.0, 7.0, 7.0, 6.5, 6.5, 7.0, 7.0, 6.8, 6.5, 6.5, 7.0, 7.5, 7.0, 5.0, 2.8],
  email: [1.5, 1.0, 0.8, 0.6, 0.6, 0.8, 1.5, 3.0, 5.0, 6.5, 7.0, 6.5, 5.5, 5.5, 6.0, 6.0, 5.5, 5.0, 4.5, 4.5, 4.0, 3.5, 3.0, 2.0],
} as const;

export type Stream = keyof typeof hourlyShapes;

/** Arrival weight of each 15-minute slot of a day, summing to 1 (hourly weights interpolated between hour centres). */
export function slotShares(stream: Stream): number[] {
  const hours = hourlyShapes[stream];
  const out: number[] = [];
  for (let s = 0; s < 96; s++) {
    const x = (s + 0.5) / 4 - 0.5;
    const h0 = Math.floor(x);
    const f = x - h0;
    const a = hours[(h0 + 24) % 24]!;
    const b = hours[(h0 + 1) % 24]!;
    out.push(a + (b - a) * f);
  }
  const total = out.reduce((x, y) => x + y, 0);
  return out.map((w) => w / total);
}

/** Mean of a lognormal given its median and log standard deviation. */
export function lognormalMean(median: number, sigma: number): number {
  return median * Math.exp((sigma * sigma) / 2);
}

/** Expected handle time (talk + hold + after-call work) of a queue, seconds. */
export function expectedHandleSeconds(p: QueueProfile): number {
  return lognormalMean(p.talkMedian, p.talkSigma) + p.holdShare * lognormalMean(p.holdMedian, 0.6) + lognormalMean(p.acwMedian, 0.5);
}
