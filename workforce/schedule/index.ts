/** Shift scheduling and rostering: requirements → shift mix (MIP) → breaks → roster → schedule. */
export { buildSchedule } from './buildSchedule.ts';
export type { BuildScheduleInput, CoverageRow, ScheduleResult, ScheduleSummary, Segment, ShiftRow, ShortInterval, UnassignedShift } from './buildSchedule.ts';
export { parseRequirementsCsv, type Requirement } from './requirements.ts';
export { parseAgentsCsv, AGENT_COLUMNS, type AgentInput } from './agents.ts';
export { defaultRules, loadRules, parseRules, rulesSchema, type Rules } from './rules.ts';
export { writeScheduleFiles } from './output.ts';
