// An Omniflow node plugin: a package that exports `nodes`. List it in OMNIFLOW_PLUGINS or under
// `omniflow.plugins` in the deployment's package.json and the studio, api and engine pick it up.
import { npsSurvey } from './nps-survey.ts';

export { bandOf, npsSurvey, parseScore } from './nps-survey.ts';
export const nodes = [npsSurvey];
