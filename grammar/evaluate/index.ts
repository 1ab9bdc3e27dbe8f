// The rule evaluator: what Pigeonhole does with a message under a rule set.
export { actionSet, evaluateRuleSet, type DecidedBy, type DecisionSource, type EvalAction, type EvalActionType, type Evaluation, type EvaluateOptions, type TraceStep } from './evaluate.js';
export { parseMessage, type Envelope, type MessageHeader, type ParsedMessage, type ParseMessageOptions } from './message.js';
