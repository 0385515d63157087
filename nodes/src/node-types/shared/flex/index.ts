// LINE Flex Message: types, rules, validator and showcase samples, shared by the Flex node, the LINE
// channel adapter and Storybook.
export { FLEX_SAMPLES, type FlexSample } from './samples.ts';
export { FLEX_LIMITS } from './schema.ts';
export type * from './types.ts';
export { flexJsonBytes, validateFlexContainer } from './validate-flex.ts';
