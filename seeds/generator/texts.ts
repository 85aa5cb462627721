/** Chinese text of the demo data: agent names, bot dialogue and ticket groups. */
import type { Rng } from './random.ts';

const surnames = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'];
const givenNames = [
  '伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀兰', '霞',
  '平', '刚', '桂英', '玉兰', '萍', '鹏', '辉', '婷', '雪', '琳', '晨', '欣怡', '子涵', '浩然', '宇轩', '梓萱', '思远', '佳琪', '俊杰', '雨桐',
  '博文', '晓燕', '海燕', '建华', '建国', '文静', '丹', '颖', '倩', '凯', '斌', '健', '帆', '悦', '晶', '宁', '亮', '峰', '飞', '慧',
  '志强', '永刚', '春梅', '红霞', '玉梅', '丽娟', '晓东', '文博', '嘉怡', '一鸣',
];

/** Unique Chinese names drawn at random (surname + given name); `taken` records names already used. */
export function agentName(rng: Rng, taken: Set<string>): string {
  for (let attempt = 0; attempt < 50; attempt++) {
    const name = rng.pick(surnames) + rng.pick(givenNames);
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
  // Large rosters run out of two-part names: a third character keeps them unique.
  for (;;) {
    const name = rng.pick(surnames) + rng.pick(givenNames) + rng.pick(givenNames).slice(0, 1);
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

export interface BotIntent {
  intent: string;
  asks: readonly string[];
  answer: string;
}

export const botIntents: readonly BotIntent[] = [
  { intent: 'check_balance', asks: ['查一下我的余额', '我卡里还有多少钱', '账户余额查询'], answer: '您可以在手机银行首页点击“账户”查看余额，我也已将余额短信发送到您的预留手机号。' },
  { intent: 'card_bill', asks: ['这个月信用卡账单多少', '查询本期账单', '账单什么时候出'], answer: '您本期信用卡账单已出，账单金额和最后还款日可在“信用卡-账单”中查看。' },
  { intent: 'repayment', asks: ['怎么还信用卡', '自动还款怎么设置', '还款失败了怎么办'], answer: '您可以通过手机银行“信用卡-还款”办理，也可以设置到期自动还款。' },
  { intent: 'card_loss', asks: ['我的卡丢了', '信用卡挂失', '卡被吞了怎么办'], answer: '已为您提供临时挂失服务，请在手机银行“卡片管理”中确认挂失并申请补卡。' },
  { intent: 'credit_limit', asks: ['提高信用卡额度', '临时额度怎么申请'], answer: '您可以在“信用卡-额度管理”中申请临时或永久额度调整，审批结果将短信通知您。' },
  { intent: 'loan_rate', asks: ['房贷利率是多少', '消费贷利息怎么算'], answer: '当前贷款利率以合同约定为准，您可以在“贷款-我的贷款”中查看利率和还款计划。' },
  { intent: 'password_reset', asks: ['忘记密码了', '密码被锁了怎么办'], answer: '您可以在登录页点击“忘记密码”，通过人脸识别重置密码。' },
  { intent: 'points', asks: ['积分怎么兑换', '我的积分有多少'], answer: '您的积分可在“信用卡-积分商城”中查看和兑换。' },
  { intent: 'transfer_status', asks: ['转账怎么还没到账', '跨行转账多久到'], answer: '跨行转账一般实时到账，最迟不超过两小时；超时未到账请提供交易时间。' },
];

export const botTexts = {
  greeting: '您好，我是智能客服小e，请问有什么可以帮您？',
  fallbackAsks: ['嗯嗯', '那个…就是上次那个事情', '？？', '你好在吗', '我想问下那个东西怎么弄', '不是这个'],
  fallbackReply: '抱歉，我没有理解您的意思，您可以换个说法试试。',
  askAgent: ['转人工', '人工客服', '我要找人工', '能不能让人工来处理'],
  escalate: '正在为您转接人工客服，请稍候。',
  escalateAfterFallback: '抱歉没能帮到您，正在为您转接人工客服，请稍候。',
  afterHours: '人工客服服务时间为每天08:00-22:00，请在服务时间内联系我们，或在“我的-留言”中留言。',
  thanks: ['好的谢谢', '明白了，谢谢', '好的'],
  bye: '不客气，祝您生活愉快！',
} as const;

export const backOfficeGroup = '二线支持组';
export const webTicketSubjects = ['网站留言：开户预约', '网站留言：理财产品咨询', '网站留言：信用卡申请进度', '网站留言：意见建议'];
