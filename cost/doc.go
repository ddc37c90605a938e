// Package cost knows what a run costs before and after it runs: the model
// table (models.json: how each model counts image tokens, and its prices),
// the token rules, and the estimate of a whole job. `vidskim plan`, the
// budget checks (--max-cost, --max-requests) and a run's own report of
// estimate against actual all call Job.Estimate, so they cannot disagree.
//
// It must not import the pipeline (summarize), the model client (llm) or
// rendering: it is data and arithmetic.
package cost
